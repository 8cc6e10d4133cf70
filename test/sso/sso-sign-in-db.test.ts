/**
 * The single sign-on use case on both databases, without a provider: what an identity the
 * provider vouched for does to accounts, roles, sessions and API tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authenticateApiToken, createApiToken } from '../../src/api/tokens/api-tokens.ts';
import { OPERATOR } from '../../src/staff/accounts/account-actor.ts';
import { deactivateStaff } from '../../src/staff/accounts/activation.ts';
import { createSession, resolveSession } from '../../src/staff/sessions.ts';
import type { ProviderIdentity } from '../../src/staff/sso/oidc-client.ts';
import { RedactedValue, type SsoConfig } from '../../src/staff/sso/sso-config.ts';
import { signInWithIdentity } from '../../src/staff/sso/sso-sign-in.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { makeStaff } from '../helpers/factories.ts';

const ISSUER = 'https://login.example.com';
const sso = (over: Partial<SsoConfig> = {}): SsoConfig => ({
  issuer: new URL(ISSUER),
  clientId: 'embargo',
  clientSecret: new RedactedValue('x'),
  scopes: 'openid',
  groupsClaim: 'groups',
  roleMap: [
    { group: 'psirt-admins', role: 'admin', program: undefined },
    { group: 'psirt', role: 'triager', program: undefined },
  ],
  createAccounts: true,
  linkVerifiedEmail: false,
  label: 'Login',
  ...over,
});
const person = (subject: string, groups: string[], over: Partial<ProviderIdentity> = {}): ProviderIdentity => ({
  issuer: ISSUER,
  subject,
  email: `${subject}@example.com`,
  emailVerified: true,
  name: subject,
  groups,
  ...over,
});

for (const kind of await databaseKinds()) {
  describe(`single sign-on accounts (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(() => t?.close());

    const rolesOf = async (userId: string) => (await t.db.selectFrom('memberships').select('role').where('user_id', '=', userId).execute()).map((m) => m.role);

    it('follows the groups at every sign-in; no mapped group deactivates at once (sessions and API tokens), a mapped one reactivates', async () => {
      const first = await signInWithIdentity(t.db, sso(), person('grace', ['psirt-admins']));
      assert.ok(first.ok && first.created);
      const userId = first.userId;
      assert.deepEqual(await rolesOf(userId), ['admin']);
      const session = await createSession(t.db, userId);
      const program = await t.db.selectFrom('programs').select('id').executeTakeFirstOrThrow();
      const { token } = await createApiToken(t.db, { programId: program.id, input: { name: 'bridge', scopes: ['reports:read'] }, createdBy: userId });
      assert.ok((await authenticateApiToken(t.db, token)).ok);

      const demoted = await signInWithIdentity(t.db, sso(), person('grace', ['psirt']));
      assert.ok(demoted.ok && !demoted.created && demoted.userId === userId);
      assert.deepEqual(await rolesOf(userId), ['triager']);

      assert.deepEqual(await signInWithIdentity(t.db, sso(), person('grace', ['marketing'])), { ok: false, reason: 'no-role' });
      assert.equal(await resolveSession(t.db, session), undefined, 'the open session stops at once');
      assert.deepEqual(await authenticateApiToken(t.db, token), { ok: false, reason: 'creator-deactivated' });
      const events = await t.db.selectFrom('staff_events').select(['type', 'detail']).where('subject_id', '=', userId).orderBy('id').execute();
      assert.deepEqual(events.map((e) => e.type), ['created', 'role-changed', 'deactivated']);
      assert.equal((events[2]!.detail as { by?: string }).by, 'identity-provider');

      const back = await signInWithIdentity(t.db, sso(), person('grace', ['psirt']));
      assert.ok(back.ok && back.userId === userId);
      assert.ok((await authenticateApiToken(t.db, token)).ok, 'reactivated with the account');
    });

    it("never undoes an admin's deactivation", async () => {
      const first = await signInWithIdentity(t.db, sso(), person('otto', ['psirt']));
      assert.ok(first.ok);
      await deactivateStaff(t.db, { actor: OPERATOR, userId: first.userId });
      assert.deepEqual(await signInWithIdentity(t.db, sso(), person('otto', ['psirt'])), { ok: false, reason: 'deactivated' });
    });

    it('links by issuer and subject, never by e-mail alone', async () => {
      const local = await makeStaff(t.db, 'viewer', 'Local');
      const claim = person('someone-else', ['psirt'], { email: local.email });
      assert.deepEqual(await signInWithIdentity(t.db, sso(), claim), { ok: false, reason: 'not-linked' });
      // The same e-mail at another issuer is another person too.
      assert.deepEqual(await signInWithIdentity(t.db, sso(), { ...claim, issuer: 'https://other.example.com' }), { ok: false, reason: 'not-linked' });
      // Unless the operator trusts the provider's verified e-mails.
      assert.deepEqual(await signInWithIdentity(t.db, sso({ linkVerifiedEmail: true }), { ...claim, emailVerified: false }), { ok: false, reason: 'not-linked' });
      const linked = await signInWithIdentity(t.db, sso({ linkVerifiedEmail: true }), claim);
      assert.ok(linked.ok && linked.userId === local.id);
      // An identity linked to one account cannot be linked to another.
      const other = await makeStaff(t.db, 'viewer', 'Other');
      assert.deepEqual(await signInWithIdentity(t.db, sso(), claim, { linkUserId: other.id }), { ok: false, reason: 'linked-elsewhere' });
    });

    it('without just-in-time accounts, an unknown identity is refused and nothing is created', async () => {
      const before = await t.db.selectFrom('staff_users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      assert.deepEqual(await signInWithIdentity(t.db, sso({ createAccounts: false }), person('newcomer', ['psirt'])), { ok: false, reason: 'no-account' });
      assert.deepEqual(await signInWithIdentity(t.db, sso(), person('outsider', ['marketing'])), { ok: false, reason: 'no-role' });
      // A new account's address receives staff mail and reset links: the provider must vouch for it.
      assert.deepEqual(await signInWithIdentity(t.db, sso(), { ...person('unverified', ['psirt']), emailVerified: false }), { ok: false, reason: 'email-unverified' });
      const after = await t.db.selectFrom('staff_users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      assert.equal(after.n, before.n);
    });
  });
}
