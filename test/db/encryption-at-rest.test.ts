import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import * as openpgp from 'openpgp';
import { createCannedResponse } from '../../src/canned/canned-responses.ts';
import { mailEvidence } from '../../src/mail-intake/evidence.ts';
import { sealLegacyInboundDigests } from '../../src/mail-intake/seal-legacy-inbound-digests.ts';
import { storeInboundMail } from '../../src/mail-intake/store-inbound.ts';
import { reporterEncryptionKey, setReporterPublicKey } from '../../src/mail/reporter-keys.ts';
import { inboxQuerySchema, listReports } from '../../src/reports/list-reports.ts';
import { postStaffMessage } from '../../src/reports/report-actions.ts';
import type { EventData } from '../../src/reports/event-text.ts';
import { recordEvent } from '../../src/reports/record-event.ts';
import { sealLegacyReportTexts } from '../../src/reports/seal-legacy-report-texts.ts';
import { findReportByReference, listAttachments, loadTimeline } from '../../src/reports/read-report.ts';
import { acknowledgeWithEvaluation } from '../../src/triage/acknowledge-with-evaluation.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { dumpDatabase, leakedMarkers } from '../helpers/db-dump.ts';
import { demo, makeReport, makeStaff, testSecret, testVault } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

const MARK_FILE_CONTENT = 'Kelvardcontent inside the attachment';
const MARK_REPLY_FILE_CONTENT = 'Snarfelcontent of the second file';

/** Words that occur nowhere else, one per sealed field, so a hit in the dump can only be a leak. */
const MARK = {
  title: 'Zorblaxtitle',
  description: 'Quenthordescription',
  steps: 'Vrillistepsmark',
  reporterEmail: 'wexmoor-reporter@example.org',
  reporterName: 'Plimbertname',
  fileName: 'yantrofile.txt',
  fileContent: MARK_FILE_CONTENT,
  reply: 'Drossimreply',
  replyFileName: 'gubbleproof.har',
  replyFileContent: MARK_REPLY_FILE_CONTENT,
  evaluation: 'Hopthelevaluation',
  stateReason: 'Frobnistatereason',
  dateReason: 'Glimmerdatereason',
  // A known proof-of-concept file must not be confirmable from a dump by its digest.
  fileDigest: sha256(MARK_FILE_CONTENT),
  replyFileDigest: sha256(MARK_REPLY_FILE_CONTENT),
};

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Signs a browser-like client in as a staff member. */
async function signIn(t: TestApp, user: { email: string; password: string }): Promise<Client> {
  const c = new Client(t.app);
  const login = await c.get('/staff/login');
  const res = await c.postForm('/staff/login', { _csrf: Client.csrf(login.body), email: user.email, password: user.password });
  assert.equal(res.statusCode, 303);
  return c;
}

for (const kind of await databaseKinds()) {
  describe(`report contents at rest on ${kind}`, () => {
    let t: TestApp;
    let reference: string;
    before(async () => {
      t = await startTestApp(kind);
      const c = new Client(t.app);
      const csrf = Client.csrf((await c.get('/report')).body);
      const res = await c.postMultipart(
        '/report',
        {
          _csrf: csrf,
          policyVersion: '1',
          title: `Heap overflow ${MARK.title}`,
          product: 'example-cloud',
          productVersion: '4.2',
          vulnerabilityType: 'memory',
          // Realistic length and steps: a terse report would be quarantined as low-effort and leave the inbox views.
          description: `The PNG parser ${MARK.description} overflows a heap buffer when the IHDR width exceeds the row buffer; the thumbnailer copies past its end.`,
          stepsToReproduce: `1. ${MARK.steps}\n2. Upload the attached image as an avatar.\n3. Watch the thumbnail worker crash with a heap overflow.`,
          impact: 'Remote code execution.',
          reporterName: MARK.reporterName,
          reporterEmail: MARK.reporterEmail,
          creditPreference: 'name',
          acceptPolicy: 'yes',
        },
        [{ name: 'attachments', filename: MARK.fileName, content: MARK.fileContent }],
      );
      assert.equal(res.statusCode, 303);
      const url = String(res.headers.location).split('?')[0]!;
      const page = await c.get(url);
      reference = /EMB-\d{4}-\d{4}/.exec(page.body)![0];
      const reply = await c.postMultipart(`${url}/reply`, { _csrf: Client.csrf(page.body), body: `See ${MARK.reply}` }, [
        { name: 'attachments', filename: MARK.replyFileName, content: MARK.replyFileContent },
      ]);
      assert.equal(reply.statusCode, 303);
      const report = (await findReportByReference(t.ctx.db, t.ctx.vault, reference))!;
      const staff = await makeStaff(t.ctx.db, 'triager');
      await acknowledgeWithEvaluation(t.ctx.db, t.ctx.vault, { reportId: report.id, actorId: staff.id, evaluation: `Valid: ${MARK.evaluation}`, expectedResolutionDate: '2099-01-01' });
      // The team's words about the report, typed in the staff forms: the reporter reads them, a dump must not.
      const triager = await signIn(t, staff);
      const reportPage = await triager.get(`/staff/reports/${reference}`);
      const moved = await triager.postForm(`/staff/reports/${reference}/state`, { _csrf: Client.csrf(reportPage.body), to: 'triaged', reason: `Reproduced: ${MARK.stateReason}` });
      assert.equal(moved.statusCode, 303);
      const dated = await triager.postForm(`/staff/reports/${reference}/resolution-date`, { _csrf: Client.csrf(reportPage.body), date: '2099-02-01', reason: `Vendor library: ${MARK.dateReason}` });
      assert.equal(dated.statusCode, 303);
    });
    after(async () => {
      await t.close();
    });

    it('keeps no title, description, identity, message, attachment, digest or reason in clear in any table', async () => {
      const dump = await dumpDatabase(t.ctx.db);
      assert.ok(dump.includes(reference), 'the dump does hold the plain columns (the check would catch text)');
      assert.deepEqual(leakedMarkers(dump, MARK), []);
    });

    it('opens everything for staff with the instance secret', async () => {
      const report = (await findReportByReference(t.ctx.db, t.ctx.vault, reference))!;
      assert.equal(report.title, `Heap overflow ${MARK.title}`);
      assert.equal(report.reporter_email, MARK.reporterEmail);
      assert.equal(report.evaluation, `Valid: ${MARK.evaluation}`);
      const attachments = await listAttachments(t.ctx.db, t.ctx.vault, report.id);
      assert.deepEqual(attachments.map((a) => a.filename).sort(), [MARK.replyFileName, MARK.fileName].sort());
      assert.deepEqual(attachments.map((a) => [a.filename, a.sha256]).sort(), [[MARK.fileName, MARK.fileDigest], [MARK.replyFileName, MARK.replyFileDigest]].sort());
      const timeline = await loadTimeline(t.ctx.db, t.ctx.vault, report.id, 'staff', attachments);
      assert.ok(timeline.some((e) => e.kind === 'message' && e.body === `See ${MARK.reply}`));
      const reasons = timeline.flatMap((e) => (e.kind === 'event' && typeof e.data.reason === 'string' ? [e.data.reason] : []));
      assert.deepEqual(reasons, [`Reproduced: ${MARK.stateReason}`, `Vendor library: ${MARK.dateReason}`]);
      const staff = new Client(t.app);
      const user = await makeStaff(t.ctx.db, 'triager');
      const login = await staff.get('/staff/login');
      await staff.postForm('/staff/login', { _csrf: Client.csrf(login.body), email: user.email, password: user.password });
      const download = await staff.get(`/staff/reports/${reference}/attachments/${attachments.find((a) => a.filename === MARK.fileName)!.id}`);
      assert.equal(download.body, MARK.fileContent);
      const page = await staff.get(`/staff/reports/${reference}`);
      for (const shown of [MARK.stateReason, MARK.dateReason, MARK.fileDigest.slice(0, 12)]) assert.ok(page.body.includes(shown), `the staff page shows ${shown}`);
    });

    it('finds the report by exact words of its title and description, not by fragments', async () => {
      const program = await demo(t.ctx.db);
      const search = async (q: string) =>
        (await listReports(t.ctx.db, t.ctx.vault, { programIds: [program.id], query: inboxQuerySchema.parse({ state: 'all', q }), currentUserId: '00000000-0000-0000-0000-000000000000' })).rows;
      assert.deepEqual((await search(MARK.title)).map((r) => r.title), [`Heap overflow ${MARK.title}`]);
      assert.equal((await search(`${MARK.description} heap`)).length, 1);
      assert.equal((await search(MARK.title.slice(0, 6))).length, 0, 'a blind index matches whole words only');
    });
  });
}

/** Markers of a report closed with a canned response and then erased: its title and the reporter's identity. */
const CLOSED = {
  title: 'Wumpelclosedtitle',
  name: 'Trazzlename Quibbert',
  handle: 'snorkhandle',
  email: 'brindle-closed@example.org',
};

for (const kind of await databaseKinds()) {
  describe(`closing notes, canned responses and erasure at rest on ${kind}`, () => {
    let t: TestApp;
    let reference: string;
    let trackingToken: string;
    let admin: Client;
    let reportId: string;
    let reporterKey: { fingerprint: string; armorLine: string };
    before(async () => {
      t = await startTestApp(kind);
      const submitted = await makeReport(t.ctx.db, { title: `Path traversal ${CLOSED.title}`, reporterName: CLOSED.name, reporterHandle: CLOSED.handle, reporterEmail: CLOSED.email }, t.ctx.vault);
      reference = submitted.reference;
      trackingToken = submitted.trackingToken;
      const program = await demo(t.ctx.db);
      const adminUser = await makeStaff(t.ctx.db, 'admin');
      const template = await createCannedResponse(t.ctx.db, {
        programId: program.id,
        actorId: adminUser.id,
        form: { title: 'Out of scope', body: 'Hello {{reporterName}}, “{{title}}” ({{reference}}) is out of scope.', closureReason: 'out-of-scope' },
      });
      // The reporter's OpenPGP key names them in its user ID, and its fingerprint finds them on a key server.
      const { publicKey } = await openpgp.generateKey({ type: 'ecc', userIDs: [{ name: CLOSED.name, email: CLOSED.email }], format: 'armored', config: { v6Keys: false } });
      const { fingerprint } = await setReporterPublicKey(t.ctx.db, t.ctx.vault, submitted.id, publicKey);
      reporterKey = { fingerprint, armorLine: publicKey.split('\n').find((l) => l.length >= 60)! };
      reportId = submitted.id;
      // A staff reply filled from a template greets the reporter by name: personal data in the team's words.
      await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: submitted.id, actorId: adminUser.id, visibility: 'reporter', body: `Dear ${CLOSED.name}, thanks; we are looking at it.`, files: [] });
      admin = await signIn(t, adminUser);
      const page = await admin.get(`/staff/reports/${reference}`);
      const closed = await admin.postForm(`/staff/reports/${reference}/close`, { _csrf: Client.csrf(page.body), template });
      assert.equal(closed.statusCode, 303);
      assert.match(String(closed.headers.location), /done=not-applicable/);
    });
    after(async () => {
      await t.close();
    });

    it('would see the reporter’s name inside an armored key (the dump check is not blind to base64)', async () => {
      const { publicKey } = await openpgp.generateKey({ type: 'ecc', userIDs: [{ name: CLOSED.name, email: CLOSED.email }], format: 'armored', config: { v6Keys: false } });
      assert.deepEqual(leakedMarkers(`reporter_keys: ${publicKey}`, { name: CLOSED.name, email: CLOSED.email }), ['name', 'email']);
    });

    it('keeps the reporter’s OpenPGP key sealed, and still encrypts to it', async () => {
      assert.deepEqual(leakedMarkers(await dumpDatabase(t.ctx.db), reporterKey), []);
      assert.equal((await reporterEncryptionKey(t.ctx.db, t.ctx.vault, reportId))?.getFingerprint(), reporterKey.fingerprint);
    });

    it('keeps the closing note filled from a canned response sealed, and shows it to staff and the reporter', async () => {
      assert.deepEqual(leakedMarkers(await dumpDatabase(t.ctx.db), CLOSED), []);
      const note = `Hello ${CLOSED.name}, “Path traversal ${CLOSED.title}” (${reference}) is out of scope.`;
      const staffPage = await admin.get(`/staff/reports/${reference}`);
      assert.ok(staffPage.body.includes(note), 'the staff timeline shows the closing note');
      const tracking = await new Client(t.app).get(`/track/${trackingToken}`);
      assert.ok(tracking.body.includes(note), 'the reporter reads the closing note');
    });

    it('erases the reporter’s name from the closing note and the team’s messages, in the database and on the pages', async () => {
      const page = await admin.get(`/staff/reports/${reference}`);
      const erased = await admin.postForm(`/staff/reports/${reference}/erase-reporter`, { _csrf: Client.csrf(page.body), confirm: 'yes' });
      assert.equal(erased.statusCode, 303);
      const { name: _n, handle: _h, email: _e, ...notPersonal } = CLOSED;
      assert.deepEqual(leakedMarkers(await dumpDatabase(t.ctx.db), CLOSED), []);
      const report = (await findReportByReference(t.ctx.db, t.ctx.vault, reference))!;
      const timeline = await loadTimeline(t.ctx.db, t.ctx.vault, report.id, 'staff', []);
      const opened = JSON.stringify(timeline);
      assert.deepEqual(leakedMarkers(opened, { name: CLOSED.name, firstName: 'Trazzlename', handle: CLOSED.handle, email: CLOSED.email }), [], 'no trace of the reporter in the opened timeline');
      assert.deepEqual(leakedMarkers(opened, notPersonal), ['title'], 'the rest of the note stays: it is the team’s record');
      for (const body of [(await admin.get(`/staff/reports/${reference}`)).body, (await new Client(t.app).get(`/track/${trackingToken}`)).body]) {
        assert.ok(!body.includes('Trazzlename'), 'the name is gone from the page');
        assert.ok(body.includes(`“Path traversal ${CLOSED.title}” (${reference}) is out of scope.`), 'the note stays');
      }
    });
  });

  describe(`texts and digests stored in clear by earlier versions, on ${kind}`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await freshDatabase(kind);
    });
    after(async () => {
      await db.close();
    });

    it('are sealed on start and still read the same', async () => {
      const legacyReason = 'Legacy Vorpalreason from an older version';
      const report = await makeReport(db.db, { reporterName: 'Ada Lovelace' });
      const staff = await makeStaff(db.db, 'triager');
      await postStaffMessage(db.db, testVault, { reportId: report.id, actorId: staff.id, visibility: 'reporter', body: 'See the file.', files: [{ filename: 'poc.txt', contentType: 'text/plain', content: Buffer.from('Legacy proof of concept') }] });
      const digest = sha256('Legacy proof of concept');
      // What earlier versions wrote: the reason in the event's JSON, the digest in clear.
      await sql`UPDATE report_attachments SET sha256 = ${digest}, sha256_sealed = NULL WHERE report_id = ${report.id}`.execute(db.db);
      await sql`INSERT INTO report_events (report_id, actor_kind, actor_id, type, data, reporter_visible)
        VALUES (${report.id}, 'staff', ${staff.id}, 'state-changed', ${JSON.stringify({ from: 'new', to: 'acknowledged', reason: legacyReason })}::jsonb, true)`.execute(db.db);
      await sql`INSERT INTO report_events (report_id, actor_kind, actor_id, type, data, reporter_visible)
        VALUES (${report.id}, 'staff', ${staff.id}, 'resolution-date-changed', ${JSON.stringify({ from: null, to: '2099-01-01', reason: 'Legacy Quorbdatereason' })}::jsonb, true)`.execute(db.db);
      const { publicKey } = await openpgp.generateKey({ type: 'ecc', userIDs: [{ name: 'Legacy Keyholder', email: 'legacy-key@example.org' }], format: 'object', config: { v6Keys: false } });
      const fingerprint = publicKey.getFingerprint();
      await sql`INSERT INTO reporter_keys (report_id, fingerprint, public_key_armored, source) VALUES (${report.id}, ${fingerprint}, ${publicKey.armor()}, 'web')`.execute(db.db);
      const markers = { legacyReason, dateReason: 'Quorbdatereason', digest, fingerprint, armorLine: publicKey.armor().split('\n').find((l) => l.length >= 60)! };
      assert.deepEqual(leakedMarkers(await dumpDatabase(db.db), markers).sort(), ['armorLine', 'dateReason', 'digest', 'fingerprint', 'legacyReason'], 'the legacy rows hold clear text before');

      assert.equal(await sealLegacyReportTexts(db.db, testVault), 4);
      assert.deepEqual(leakedMarkers(await dumpDatabase(db.db), markers), []);
      assert.equal((await reporterEncryptionKey(db.db, testVault, report.id))?.getFingerprint(), fingerprint);
      const attachments = await listAttachments(db.db, testVault, report.id);
      assert.deepEqual(attachments.map((a) => a.sha256), [digest]);
      const timeline = await loadTimeline(db.db, testVault, report.id, 'reporter', attachments);
      const reasons = timeline.flatMap((e) => (e.kind === 'event' && typeof e.data.reason === 'string' ? [e.data.reason] : []));
      assert.deepEqual(reasons, [legacyReason, 'Legacy Quorbdatereason']);
      assert.equal(await sealLegacyReportTexts(db.db, testVault), 0, 'a second start finds nothing left to seal');
    });

    it('received mail: its digest and signer are sealed and its duplicate key rekeyed on start, and a redelivery is still a duplicate', async () => {
      const report = await makeReport(db.db);
      const program = await demo(db.db);
      const body = 'A legacy mail body long enough to be a report.';
      const raw = Buffer.from(`From: old@example.org\r\nTo: security@example.com\r\nMessage-ID: <legacy-1@example.org>\r\nSubject: old\r\n\r\n${body}`);
      const stored = await storeInboundMail(db.db, testSecret, { programId: program.id, raw, source: 'smtp', envelopeFrom: 'old@example.org', envelopeTo: ['security@example.com'] });
      const digest = sha256(raw.toString());
      const fingerprint = 'c0ffee'.repeat(6) + 'beef';
      const unkeyed = createHash('sha256').update('id\0').update('legacy-1@example.org').update('\0').update(body).digest();
      // What earlier versions wrote: the digest, the signer and a plain SHA-256 duplicate key in clear.
      await sql`UPDATE inbound_mails SET report_id = ${report.id}, raw_sha256 = ${digest}, raw_sha256_sealed = NULL, dedupe_key = ${unkeyed},
        signer_fingerprint = ${fingerprint}, signer_fingerprint_sealed = NULL WHERE id = ${stored.id}`.execute(db.db);
      assert.deepEqual(leakedMarkers(await dumpDatabase(db.db), { digest, fingerprint, unkeyed: unkeyed.toString('hex') }).sort(), ['digest', 'fingerprint', 'unkeyed']);

      assert.equal(await sealLegacyInboundDigests(db.db, testSecret), 1);
      assert.deepEqual(leakedMarkers(await dumpDatabase(db.db), { digest, fingerprint, unkeyed: unkeyed.toString('hex') }), []);
      const [evidence] = await mailEvidence(db.db, testSecret, report.id);
      assert.deepEqual([evidence?.rawSha256, evidence?.signerFingerprint], [digest, fingerprint]);
      const again = await storeInboundMail(db.db, testSecret, { programId: program.id, raw: Buffer.concat([Buffer.from('Received: from relay2\r\n'), raw]), source: 'smtp', envelopeTo: ['security@example.com'] });
      assert.deepEqual(again, { id: stored.id, duplicate: true });
      assert.equal(await sealLegacyInboundDigests(db.db, testSecret), 0, 'a second start finds nothing left');
    });

    it('refuses words in an event’s clear data', async () => {
      const report = await makeReport(db.db);
      const data = { from: 'new', to: 'acknowledged', reason: 'in clear' } as unknown as EventData;
      await assert.rejects(
        db.db.transaction().execute((trx) => recordEvent(trx, { reportId: report.id, actor: { kind: 'system' }, type: 'state-changed', data, reporterVisible: false })),
        /may not carry reason in clear/,
      );
    });
  });
}
