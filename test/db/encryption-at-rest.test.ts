import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inboxQuerySchema, listReports } from '../../src/reports/list-reports.ts';
import { findReportByReference, listAttachments, loadTimeline } from '../../src/reports/read-report.ts';
import { acknowledgeWithEvaluation } from '../../src/triage/acknowledge-with-evaluation.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { dumpDatabase, leakedMarkers } from '../helpers/db-dump.ts';
import { demo, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

/** Words that occur nowhere else, one per sealed field, so a hit in the dump can only be a leak. */
const MARK = {
  title: 'Zorblaxtitle',
  description: 'Quenthordescription',
  steps: 'Vrillistepsmark',
  reporterEmail: 'wexmoor-reporter@example.org',
  reporterName: 'Plimbertname',
  fileName: 'yantrofile.txt',
  fileContent: 'Kelvardcontent inside the attachment',
  reply: 'Drossimreply',
  replyFileName: 'gubbleproof.har',
  replyFileContent: 'Snarfelcontent of the second file',
  evaluation: 'Hopthelevaluation',
};

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
    });
    after(async () => {
      await t.close();
    });

    it('keeps no title, description, identity, message or attachment in clear in any table', async () => {
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
      const timeline = await loadTimeline(t.ctx.db, t.ctx.vault, report.id, 'staff', attachments);
      assert.ok(timeline.some((e) => e.kind === 'message' && e.body === `See ${MARK.reply}`));
      const staff = new Client(t.app);
      const user = await makeStaff(t.ctx.db, 'triager');
      const login = await staff.get('/staff/login');
      await staff.postForm('/staff/login', { _csrf: Client.csrf(login.body), email: user.email, password: user.password });
      const download = await staff.get(`/staff/reports/${reference}/attachments/${attachments.find((a) => a.filename === MARK.fileName)!.id}`);
      assert.equal(download.body, MARK.fileContent);
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
