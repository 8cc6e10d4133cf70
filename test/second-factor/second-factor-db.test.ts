import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { unseal } from '../../src/mail/seal.ts';
import { consumePendingSignIn, createPendingSignIn, PENDING_SIGN_IN_MS, resolvePendingSignIn } from '../../src/staff/second-factor/pending-sign-ins.ts';
import { enrolSecondFactor, hasSecondFactor, resetSecondFactor, secondFactorStatus, verifySecondFactor } from '../../src/staff/second-factor/second-factors.ts';
import { newTotpSecret, totpCode, totpStep } from '../../src/staff/second-factor/totp.ts';
import { createSession, resolveSession } from '../../src/staff/sessions.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { dumpDatabase, leakedMarkers } from '../helpers/db-dump.ts';
import { makeStaff, testSecret } from '../helpers/factories.ts';

const at = (base: Date, steps: number) => new Date(base.getTime() + steps * 30_000);

for (const kind of await databaseKinds()) {
  describe(`second factors on ${kind}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(async () => {
      await t.close();
    });

    it('enrols only with a valid code, and keeps the secret and recovery codes out of a dump', async () => {
      const user = await makeStaff(t.db);
      const secret = newTotpSecret();
      const now = new Date();
      assert.deepEqual(await enrolSecondFactor(t.db, testSecret, { userId: user.id, secretBase32: secret, code: '000000', now: at(now, 10) }), { ok: false, reason: 'invalid' });
      assert.equal(await hasSecondFactor(t.db, user.id), false);
      const enrolled = await enrolSecondFactor(t.db, testSecret, { userId: user.id, secretBase32: secret, code: totpCode(secret, now), now });
      assert.ok(enrolled.ok);
      assert.equal(enrolled.recoveryCodes.length, 10);
      assert.equal(await hasSecondFactor(t.db, user.id), true);
      assert.equal((await secondFactorStatus(t.db, user.id))?.recoveryCodesLeft, 10);

      const row = await t.db.selectFrom('staff_second_factors').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
      assert.equal(row.last_used_step, totpStep(now), 'the enrolment code cannot sign in afterwards');
      assert.equal(unseal(testSecret, 'staff-totp', user.id, row.secret_sealed).toString('utf8'), secret);
      assert.throws(() => unseal(testSecret, 'staff-totp', 'another-user', row.secret_sealed));

      const markers: Record<string, string> = { secret, secretLower: secret.toLowerCase() };
      enrolled.recoveryCodes.forEach((c, i) => {
        markers[`recovery${i}`] = c;
        markers[`recoveryCompact${i}`] = c.replace(/-/g, '');
      });
      assert.deepEqual(leakedMarkers(await dumpDatabase(t.db), markers), []);
    });

    it('accepts a TOTP code once, and a newer one after it', async () => {
      const user = await makeStaff(t.db);
      const secret = newTotpSecret();
      const now = new Date();
      assert.ok((await enrolSecondFactor(t.db, testSecret, { userId: user.id, secretBase32: secret, code: totpCode(secret, at(now, -1)), now })).ok);
      assert.deepEqual(await verifySecondFactor(t.db, testSecret, user.id, totpCode(secret, at(now, -1)), now), { ok: false, reason: 'replayed' });
      assert.deepEqual(await verifySecondFactor(t.db, testSecret, user.id, totpCode(secret, now), now), { ok: true, method: 'totp' });
      assert.deepEqual(await verifySecondFactor(t.db, testSecret, user.id, totpCode(secret, now), now), { ok: false, reason: 'replayed' });
      assert.equal((await verifySecondFactor(t.db, testSecret, user.id, '123456', at(now, 5))).ok, false);
      assert.deepEqual(await verifySecondFactor(t.db, testSecret, user.id, totpCode(secret, at(now, 1)), now), { ok: true, method: 'totp' });
      const stranger = await makeStaff(t.db);
      assert.deepEqual(await verifySecondFactor(t.db, testSecret, stranger.id, totpCode(secret, now), now), { ok: false, reason: 'not-enrolled' });
    });

    it('lets only one of two requests racing with the same code through', async () => {
      const user = await makeStaff(t.db);
      const secret = newTotpSecret();
      const now = new Date();
      assert.ok((await enrolSecondFactor(t.db, testSecret, { userId: user.id, secretBase32: secret, code: totpCode(secret, at(now, -1)), now })).ok);
      const code = totpCode(secret, now);
      const results = await Promise.all([1, 2, 3].map(() => verifySecondFactor(t.db, testSecret, user.id, code, now)));
      assert.equal(results.filter((r) => r.ok).length, 1);
    });

    it('uses each recovery code once; re-enrolling replaces the codes', async () => {
      const user = await makeStaff(t.db);
      const secret = newTotpSecret();
      const now = new Date();
      const first = await enrolSecondFactor(t.db, testSecret, { userId: user.id, secretBase32: secret, code: totpCode(secret, now), now });
      assert.ok(first.ok);
      const code = first.recoveryCodes[3]!;
      assert.deepEqual(await verifySecondFactor(t.db, testSecret, user.id, code.toUpperCase()), { ok: true, method: 'recovery-code', recoveryCodesLeft: 9 });
      assert.deepEqual(await verifySecondFactor(t.db, testSecret, user.id, code), { ok: false, reason: 'invalid' });

      const other = await makeStaff(t.db);
      assert.deepEqual(await verifySecondFactor(t.db, testSecret, other.id, first.recoveryCodes[4]!), { ok: false, reason: 'not-enrolled' });

      const next = newTotpSecret();
      const second = await enrolSecondFactor(t.db, testSecret, { userId: user.id, secretBase32: next, code: totpCode(next, now), now });
      assert.ok(second.ok);
      assert.deepEqual(await verifySecondFactor(t.db, testSecret, user.id, first.recoveryCodes[5]!), { ok: false, reason: 'invalid' });
      assert.equal((await verifySecondFactor(t.db, testSecret, user.id, second.recoveryCodes[0]!)).ok, true);
      assert.deepEqual(await verifySecondFactor(t.db, testSecret, user.id, totpCode(secret, at(now, 1)), now), { ok: false, reason: 'invalid' }, 'the old secret no longer works');
    });

    it('keeps a pending sign-in five minutes, usable once, never as a session', async () => {
      const user = await makeStaff(t.db);
      const now = new Date();
      const token = await createPendingSignIn(t.db, user.id, '/staff/reports?x=1', now);
      assert.deepEqual(await resolvePendingSignIn(t.db, token, now), { userId: user.id, next: '/staff/reports?x=1' });
      assert.equal(await resolveSession(t.db, token, now), undefined);
      assert.equal(await resolvePendingSignIn(t.db, token, new Date(now.getTime() + PENDING_SIGN_IN_MS)), undefined);
      assert.equal(await consumePendingSignIn(t.db, token, new Date(now.getTime() + PENDING_SIGN_IN_MS)), false);
      assert.equal(await consumePendingSignIn(t.db, token, now), true);
      assert.equal(await consumePendingSignIn(t.db, token, now), false);
      assert.equal(await resolvePendingSignIn(t.db, token, now), undefined);
      assert.equal(await resolvePendingSignIn(t.db, 'x'.repeat(43), now), undefined);
    });

    it('resets a locked-out account: factor, codes, sessions and pending sign-ins go', async () => {
      const user = await makeStaff(t.db);
      const secret = newTotpSecret();
      const now = new Date();
      assert.ok((await enrolSecondFactor(t.db, testSecret, { userId: user.id, secretBase32: secret, code: totpCode(secret, now), now })).ok);
      const session = await createSession(t.db, user.id);
      const pending = await createPendingSignIn(t.db, user.id, undefined);
      assert.deepEqual(await resetSecondFactor(t.db, user.email.toUpperCase()), { userId: user.id, hadSecondFactor: true });
      assert.equal(await hasSecondFactor(t.db, user.id), false);
      assert.equal(await resolveSession(t.db, session), undefined);
      assert.equal(await resolvePendingSignIn(t.db, pending), undefined);
      const codes = await t.db.selectFrom('staff_recovery_codes').select('user_id').where('user_id', '=', user.id).execute();
      assert.equal(codes.length, 0);
      assert.deepEqual(await resetSecondFactor(t.db, user.email), { userId: user.id, hadSecondFactor: false });
      assert.equal(await resetSecondFactor(t.db, 'nobody@example.com'), undefined);
    });
  });
}
