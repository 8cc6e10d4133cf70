import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { draftAdvisoryFromReport, loadStaffAdvisory } from '../../src/advisories/advisory-store.ts';
import { recordDelivery } from '../../src/mail/deliveries.ts';
import { setReporterPublicKey } from '../../src/mail/reporter-keys.ts';
import { storeInboundMail } from '../../src/mail-intake/store-inbound.ts';
import { unseal } from '../../src/mail/seal.ts';
import { RAW_MAIL_PURPOSE } from '../../src/mail-intake/store-inbound.ts';
import { eraseReporterData } from '../../src/privacy/erase-reporter-data.ts';
import { exportReporterData } from '../../src/privacy/export-reporter-data.ts';
import { findReportByReference } from '../../src/reports/read-report.ts';
import { changeState, postReporterReply, postStaffMessage } from '../../src/reports/report-actions.ts';
import { listCredits } from '../../src/thanks/list-credits.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { dumpDatabase, leakedMarkers } from '../helpers/db-dump.ts';
import { demo, makeReport, makeStaff, moveReport, testSecret, testVault } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { reporterKeyPair } from '../mail/mail-helpers.ts';

for (const kind of await databaseKinds()) {
  describe(`a reporter's personal data: export and erasure (${kind})`, () => {
    it('exports what the reporter may see, then erases who they are and keeps the vulnerability record', async () => {
      const t = await freshDatabase(kind);
      try {
        const program = await demo(t.db);
        const staff = await makeStaff(t.db, 'admin');
        const report = await makeReport(t.db, { reporterName: 'Mary Privacy', reporterHandle: 'mprivacy', reporterEmail: 'mary.privacy@example.org', creditPreference: 'name', title: 'Open redirect in login' });
        const { armored } = await reporterKeyPair('mary.privacy@example.org');
        const { fingerprint } = await setReporterPublicKey(t.db, testVault, report.id, armored);
        await postStaffMessage(t.db, testVault, { reportId: report.id, actorId: staff.id, visibility: 'reporter', body: 'Thanks, we can reproduce it.', files: [] });
        await postStaffMessage(t.db, testVault, { reportId: report.id, actorId: staff.id, visibility: 'internal', body: 'INTERNAL-NOTE: fix in 4.3', files: [] });
        await postReporterReply(t.db, testVault, { reportId: report.id, body: 'Glad to help.', files: [] });
        const job = (await t.db.insertInto('jobs').values({ kind: 'notify-reporter', payload: '{}', state: 'done' }).returning('id').executeTakeFirstOrThrow()).id;
        await recordDelivery(t.db, testSecret, { jobId: job, reportId: report.id, template: 'reporter-update', to: 'mary.privacy@example.org', messageId: 'x@example.com', attempt: 1, result: 'sent', encrypted: true, smtpResponse: '250' });
        const mail = await storeInboundMail(t.db, testSecret, { programId: program.id, raw: Buffer.from('From: Mary <mary.privacy@example.org>\r\nSubject: hi\r\n\r\nbody'), source: 'smtp', envelopeFrom: 'mary.privacy@example.org', envelopeTo: ['security@example.com'] });
        await t.db.updateTable('inbound_mails').set({ report_id: report.id, outcome: 'reply', processed_at: new Date() }).where('id', '=', mail.id).execute();
        for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) await moveReport(t.db, testVault, { reportId: report.id, to, actorId: staff.id });
        assert.deepEqual(await listCredits(t.db, testVault, program.id), [], 'fixed, not disclosed: nobody is named yet');

        const opened = (await findReportByReference(t.db, testVault, report.reference))!;
        const data = await exportReporterData(t.db, testVault, testSecret, opened);
        assert.deepEqual(data.identity, { name: 'Mary Privacy', handle: 'mprivacy', email: 'mary.privacy@example.org', erasedAt: null });
        assert.equal(data.report.title, 'Open redirect in login');
        assert.equal(data.openpgpKeyFingerprint, fingerprint);
        assert.deepEqual(data.thread.slice(0, 2).map((m) => [m.from, m.body]), [['security team', 'Thanks, we can reproduce it.'], ['you', 'Glad to help.']]);
        assert.match(data.thread[2]?.body ?? '', /^Confirmed: [^]*\n\nExpected resolution date: /, 'the evaluation they were sent is theirs to see');
        assert.ok(!JSON.stringify(data).includes('INTERNAL-NOTE'), 'internal notes are the team\'s, not in the export');
        assert.deepEqual(data.mailSent.map((m) => m.to), ['mary.privacy@example.org']);
        assert.deepEqual(data.mailReceived.map((m) => m.from), ['mary.privacy@example.org']);

        const drafted = await draftAdvisoryFromReport(t.db, testVault, { reportReference: report.reference, actorId: staff.id });
        assert.deepEqual((await loadStaffAdvisory(t.db, testVault, drafted.id))!.content.credits.map((c) => c.name), ['Mary Privacy']);

        await eraseReporterData(t.db, testVault, testSecret, { reportId: report.id, actor: { kind: 'staff', id: staff.id } });
        assert.deepEqual((await loadStaffAdvisory(t.db, testVault, drafted.id))!.content.credits, [], 'a draft written before cannot publish the name');
        const after = (await findReportByReference(t.db, testVault, report.reference))!;
        assert.deepEqual([after.reporter_name, after.reporter_handle, after.reporter_email, after.credit_preference], [null, null, null, 'none']);
        assert.ok(after.reporter_erased_at instanceof Date);
        assert.equal(after.title, 'Open redirect in login', 'the vulnerability record stays');
        assert.equal(after.state, 'fixed');
        assert.equal(await t.db.selectFrom('reporter_keys').select('fingerprint').where('report_id', '=', report.id).executeTakeFirst(), undefined);
        const delivery = await t.db.selectFrom('mail_deliveries').select(['to_address', 'to_address_sealed', 'to_address_hash']).where('report_id', '=', report.id).executeTakeFirstOrThrow();
        assert.deepEqual(delivery, { to_address: null, to_address_sealed: null, to_address_hash: null });
        const raw = await t.db.selectFrom('inbound_mails').select(['raw_sealed', 'envelope_from_sealed']).where('id', '=', mail.id).executeTakeFirstOrThrow();
        assert.equal(raw.envelope_from_sealed, null);
        assert.doesNotMatch(unseal(testSecret, RAW_MAIL_PURPOSE, mail.id, raw.raw_sealed).toString(), /mary/i);
        await changeState(t.db, testVault, { reportId: report.id, to: 'disclosed', actorId: staff.id });
        assert.deepEqual(await listCredits(t.db, testVault, program.id), [], 'disclosed, and still not on the thanks page');
        const events = await t.db.selectFrom('report_events').select(['type', 'reporter_visible']).where('report_id', '=', report.id).where('type', '=', 'reporter-data-erased').execute();
        assert.deepEqual(events, [{ type: 'reporter-data-erased', reporter_visible: true }]);
        const exported = await exportReporterData(t.db, testVault, testSecret, after);
        assert.equal(exported.identity.email, null);
        assert.equal(exported.identity.erasedAt, after.reporter_erased_at!.toISOString());
        assert.deepEqual(leakedMarkers(await dumpDatabase(t.db), { email: 'mary.privacy@', name: 'Mary Privacy' }), []);
        await assert.rejects(eraseReporterData(t.db, testVault, testSecret, { reportId: report.id, actor: { kind: 'reporter' } }), /already erased/);
      } finally {
        await t.close();
      }
    });
  });
}

describe('a reporter\'s personal data over HTTP', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.close();
  });

  it('lets the reporter download and erase their data, and the program\'s admins too; nobody else', async () => {
    const report = await makeReport(t.ctx.db, { reporterName: 'Rita Reporter', reporterEmail: 'rita@example.org', title: '<b>XSS</b> in search' });
    const c = new Client(t.app);
    const base = `/track/${report.trackingToken}`;
    const page = await c.get(base);
    assert.match(page.body, /Your data/);
    assert.match(page.body, new RegExp(`href="${base}/my-data.json"`));
    const download = await c.get(`${base}/my-data.json`);
    assert.equal(download.statusCode, 200);
    assert.match(String(download.headers['content-disposition']), new RegExp(`attachment; filename="${report.reference}-reporter-data.json"`));
    assert.equal(download.headers['cache-control'], 'no-store');
    assert.equal(JSON.parse(download.body).identity.email, 'rita@example.org');
    assert.equal((await c.get('/track/not-a-token/my-data.json')).statusCode, 404);

    assert.equal((await c.postForm(`${base}/erase`, { confirm: 'yes' })).statusCode, 403, 'CSRF token required');
    const unconfirmed = await c.postForm(`${base}/erase`, { _csrf: Client.csrf(page.body) });
    assert.equal(unconfirmed.headers.location, `${base}?erase=confirm#privacy-h`);
    assert.match((await c.get(`${base}?erase=confirm`)).body, /Tick the box to confirm/);
    const erased = await c.postForm(`${base}/erase`, { _csrf: Client.csrf(page.body), confirm: 'yes' });
    assert.equal(erased.statusCode, 303);
    const afterPage = await c.get(`${base}?erased=1`);
    assert.match(afterPage.body, /Your personal data was erased/);
    assert.match(afterPage.body, /personal data \(name, handle, e-mail, OpenPGP key, mail addresses\) was erased/, 'the timeline says so');
    assert.equal(JSON.parse((await c.get(`${base}/my-data.json`)).body).identity.name, null);

    // Staff: admins export and erase on request; a triager may not.
    const other = await makeReport(t.ctx.db, { reporterEmail: 'otto@example.org' });
    const triager = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager'));
    const triagerPage = await triager.get(`/staff/reports/${other.reference}`);
    assert.doesNotMatch(triagerPage.body, /Reporter’s personal data/);
    assert.equal((await triager.get(`/staff/reports/${other.reference}/reporter-data.json`)).statusCode, 403);
    assert.equal((await triager.postForm(`/staff/reports/${other.reference}/erase-reporter`, { _csrf: Client.csrf(triagerPage.body), confirm: 'yes' })).statusCode, 403);
    const admin = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'admin'));
    const adminPage = await admin.get(`/staff/reports/${other.reference}`);
    assert.match(adminPage.body, /Reporter’s personal data/);
    assert.equal(JSON.parse((await admin.get(`/staff/reports/${other.reference}/reporter-data.json`)).body).identity.email, 'otto@example.org');
    const done = await admin.postForm(`/staff/reports/${other.reference}/erase-reporter`, { _csrf: Client.csrf(adminPage.body), confirm: 'yes' });
    assert.equal(done.headers.location, `/staff/reports/${other.reference}?done=reporter-erased`);
    assert.match((await admin.get(done.headers.location!)).body, /The reporter’s personal data was erased; the report is kept/);
    assert.equal((await findReportByReference(t.ctx.db, t.ctx.vault, other.reference))!.reporter_email, null);
  });
});
