import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { draftAdvisoryFromReport, loadStaffAdvisory, publishAdvisory } from '../../src/advisories/advisory-store.ts';
import { hashToken } from '../../src/domain/tokens.ts';
import { confirmSubscription, findConfirmable } from '../../src/subscriptions/confirm-subscription.ts';
import { fanOutAdvisoryNotice } from '../../src/subscriptions/notify-subscribers.ts';
import { purgeExpiredPending, requestSubscription } from '../../src/subscriptions/request-subscription.ts';
import { openAddress, subscriberKeys } from '../../src/subscriptions/subscriber-crypto.ts';
import { unsubscribe } from '../../src/subscriptions/unsubscribe.ts';
import { unseal } from '../../src/mail/seal.ts';
import { CONFIRM_TOKEN_PURPOSE } from '../../src/subscriptions/request-subscription.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff, testSecret, testVault } from '../helpers/factories.ts';

const keys = subscriberKeys(testSecret);

for (const kind of await databaseKinds()) {
  describe(`subscriptions on the database (${kind})`, () => {
    let t: TestDatabase;
    let programId: string;
    before(async () => {
      t = await freshDatabase(kind);
      programId = (await demo(t.db)).id;
    });
    after(async () => {
      await t?.close();
    });

    /** Requests a subscription and returns the confirmation token its job carries (sealed). */
    async function request(email: string, selection: { allProducts: boolean; products: string[] }, now = new Date()): Promise<string> {
      await requestSubscription(t.db, testVault, testSecret, { programId, request: { email, ...selection }, sendMail: true, now });
      const job = await t.db.selectFrom('jobs').select('payload').where('kind', '=', 'subscription-mail').orderBy('id', 'desc').executeTakeFirstOrThrow();
      const p = job.payload as { subscriberId: string; sealedToken: string };
      return unseal(testSecret, CONFIRM_TOKEN_PURPOSE, p.subscriberId, Buffer.from(p.sealedToken, 'base64')).toString();
    }

    it('stores the address sealed with a keyed hash, one row per address whatever its case', async () => {
      await request('Mixed.Case@Example.org', { allProducts: false, products: ['example-cloud'] });
      await request('  mixed.case@example.org ', { allProducts: true, products: [] });
      const rows = await t.db.selectFrom('subscribers').selectAll().where('email_hash', '=', keys.emailHash('MIXED.case@example.org')).execute();
      assert.equal(rows.length, 1);
      assert.equal(openAddress(testVault, rows[0]!), 'Mixed.Case@Example.org', 'the first spelling is kept (mail goes where it was confirmed)');
      assert.deepEqual([rows[0]!.pending_all_products, rows[0]!.confirmed_at], [true, null]);
      assert.ok(rows[0]!.unsubscribe_token_hash.equals(hashToken(keys.unsubscribeToken(rows[0]!.id))));
    });

    it('confirms once, before the link expires; a later request of a confirmed subscriber changes products only when confirmed', async () => {
      const now = new Date('2026-11-23T10:00:00Z');
      const token = await request('expiry@example.org', { allProducts: false, products: ['example-gateway'] }, now);
      assert.equal(await findConfirmable(t.db, token, new Date('2026-11-26T10:00:01Z')), undefined, 'expired after 72 hours');
      assert.deepEqual(await confirmSubscription(t.db, token, new Date('2026-11-26T09:59:59Z')), { programId, change: false, allProducts: false, products: ['example-gateway'] });
      assert.equal(await confirmSubscription(t.db, token, new Date('2026-11-26T09:59:59Z')), undefined, 'one-time');
      const change = await request('expiry@example.org', { allProducts: false, products: ['example-cloud', 'example-mobile'] }, now);
      const row = await t.db.selectFrom('subscribers').select(['products', 'confirmed_at']).where('email_hash', '=', keys.emailHash('expiry@example.org')).executeTakeFirstOrThrow();
      assert.deepEqual(row.products, ['example-gateway']);
      assert.deepEqual(await confirmSubscription(t.db, change, new Date('2026-11-24T00:00:00Z')), { programId, change: true, allProducts: false, products: ['example-cloud', 'example-mobile'] });
      const confirmed = await t.db.selectFrom('subscribers').select(['products', 'confirmed_at']).where('email_hash', '=', keys.emailHash('expiry@example.org')).executeTakeFirstOrThrow();
      assert.deepEqual(confirmed, { products: ['example-cloud', 'example-mobile'], confirmed_at: row.confirmed_at }, 'the first confirmation date stays');
    });

    it('forgets addresses never confirmed once their link expired', async () => {
      await request('never@example.org', { allProducts: true, products: [] }, new Date('2026-01-01T00:00:00Z'));
      const before = await t.db.selectFrom('subscribers').select('id').where('email_hash', '=', keys.emailHash('never@example.org')).execute();
      assert.equal(before.length, 1);
      const forget = await t.db.selectFrom('jobs').select(['run_at']).where('kind', '=', 'forget-unconfirmed-subscribers').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(forget.run_at.toISOString(), '2026-01-04T00:01:00.000Z', 'a job is queued for when the link expires');
      assert.ok((await purgeExpiredPending(t.db, new Date())) >= 1);
      assert.equal((await t.db.selectFrom('subscribers').select('id').where('email_hash', '=', keys.emailHash('never@example.org')).execute()).length, 0);
      assert.ok((await t.db.selectFrom('subscribers').select('id').where('email_hash', '=', keys.emailHash('expiry@example.org')).execute()).length === 1, 'confirmed subscribers stay');
    });

    it('fans an advisory out once per subscriber and revision, however often the job runs; unsubscribing drops pending notices', async () => {
      const lead = await makeStaff(t.db, 'lead');
      const cloud = await request('fan-cloud@example.org', { allProducts: false, products: ['example-cloud'] });
      await confirmSubscription(t.db, cloud);
      await confirmSubscription(t.db, await request('fan-gateway@example.org', { allProducts: false, products: ['example-gateway'] }));
      await request('fan-pending@example.org', { allProducts: false, products: ['example-cloud'] });
      const report = await makeReport(t.db, { product: 'example-cloud' });
      const { id } = await draftAdvisoryFromReport(t.db, testVault, { reportReference: report.reference, actorId: lead.id });
      const draft = (await loadStaffAdvisory(t.db, testVault, id))!;
      await publishAdvisory(t.db, testVault, { id, actorId: lead.id, content: { ...draft.content, summary: 'S.' }, revisionSummary: '', baseUrl: 'https://x' });
      const queued = await t.db.selectFrom('jobs').select('payload').where('kind', '=', 'notify-subscribers').execute();
      assert.deepEqual(queued.map((j) => j.payload), [{ advisoryId: id, revision: 1 }], 'queued in the publication transaction');

      // The mixed-case address of the first test follows all products (its change was never confirmed: it is pending, so not told).
      assert.equal(await fanOutAdvisoryNotice(t.db, { advisoryId: id, revision: 1 }), 2, 'fan-cloud and the confirmed expiry@ (example-cloud)');
      assert.equal(await fanOutAdvisoryNotice(t.db, { advisoryId: id, revision: 1 }), 0, 'a re-run adds nobody');
      assert.equal((await t.db.selectFrom('jobs').select('id').where('kind', '=', 'mail-subscriber').execute()).length, 2);
      assert.equal(await fanOutAdvisoryNotice(t.db, { advisoryId: id, revision: 2 }), 2, 'a revision is news again');

      const unsubscribeToken = keys.unsubscribeToken((await t.db.selectFrom('subscribers').select('id').where('email_hash', '=', keys.emailHash('fan-cloud@example.org')).executeTakeFirstOrThrow()).id);
      assert.equal(await unsubscribe(t.db, unsubscribeToken), true);
      assert.equal(await unsubscribe(t.db, unsubscribeToken), false);
      const left = await sql<{ n: string }>`SELECT count(*) AS n FROM subscriber_notifications`.execute(t.db);
      assert.equal(Number(left.rows[0]!.n), 2, "the unsubscriber's notices went with them");
    });
  });
}
