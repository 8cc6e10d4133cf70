import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { ensureProgramKeys } from '../../src/keys/ensure-program-keys.ts';
import { storeInboundMail } from '../../src/mail-intake/store-inbound.ts';
import { exportReporterData } from '../../src/privacy/export-reporter-data.ts';
import { findReportByReference } from '../../src/reports/read-report.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { demo, makeReport, makeStaff, reportInput } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken } from '../api/api-helpers.ts';
import { rawMail } from '../mail/mail-helpers.ts';

/** The "Policy" line of the staff report page, tags removed. */
function policyLine(html: string): string {
  const m = /<dt>Policy<\/dt>\s*<dd>([\s\S]*?)<\/dd>/.exec(html);
  assert.ok(m, 'the report page has a Policy line');
  return m[1]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * A mail's sender never saw the disclosure policy, so a report filed from a
 * mail records "by e-mail, policy not shown" rather than an acceptance, and
 * every way of reading the report says the same (issue 10).
 */
describe('reports by e-mail do not claim the policy was accepted', () => {
  let t: TestApp;
  let worker: Worker;
  let staff: Client;
  let api: ReturnType<typeof apiClient>;
  before(async () => {
    t = await startTestApp();
    await ensureProgramKeys(t.ctx.db, t.ctx.secret, ['example'], pino({ level: 'silent' }));
    worker = createWorker({ db: t.ctx.db, handlers: createJobHandlers(t.ctx), logger: t.ctx.logger });
    staff = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'admin', 'Pat Policy'));
    api = apiClient(t, (await makeApiToken(t.ctx.db)).token);
  });
  after(async () => {
    await t?.close();
  });

  async function mailedReport(): Promise<string> {
    const program = await demo(t.ctx.db);
    const stored = await storeInboundMail(t.ctx.db, t.ctx.secret, {
      programId: program.id,
      raw: rawMail({ subject: 'CSRF on the password change form', body: 'The password change form of Example Cloud has no CSRF token at all.' }),
      source: 'smtp',
      envelopeFrom: 'ada@example.org',
      envelopeTo: ['security@example.com'],
    });
    await worker.drain();
    const row = await t.ctx.db.selectFrom('inbound_mails as m').innerJoin('reports as r', 'r.id', 'm.report_id').select('r.reference').where('m.id', '=', stored.id).executeTakeFirstOrThrow();
    return row.reference;
  }

  it('records no acceptance for a mailed report, and the page, the API and the reporter\'s data export say "by e-mail, policy not shown"', async () => {
    const reference = await mailedReport();
    const report = (await findReportByReference(t.ctx.db, t.ctx.vault, reference))!;
    assert.equal(report.channel, 'email');
    assert.equal(report.policy_accepted_at, null, 'no acceptance is stored');

    const line = policyLine((await staff.get(`/staff/reports/${reference}`)).body);
    assert.match(line, /^By e-mail, policy not shown \(version 1 was in force\)$/);
    assert.doesNotMatch(line, /Accepted/);

    const res = await api.get(`/api/v1/reports/${reference}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.policy, { version: 1, acceptance: 'not-shown', acceptedAt: null });

    const exported = await exportReporterData(t.ctx.db, t.ctx.vault, t.ctx.secret, report);
    assert.equal(exported.report.policyAcceptedAt, null);
    assert.equal(exported.report.policyAcceptance, 'by e-mail, policy not shown');
  });

  it('keeps the acceptance of a report from the web form and the API', async () => {
    const web = await makeReport(t.ctx.db);
    assert.match(policyLine((await staff.get(`/staff/reports/${web.reference}`)).body), /^Accepted version 1 on /);
    const viaApi = await api.get(`/api/v1/reports/${web.reference}`);
    assert.equal(viaApi.json.policy.acceptance, 'accepted');
    assert.ok(viaApi.json.policy.acceptedAt);
    const report = (await findReportByReference(t.ctx.db, t.ctx.vault, web.reference))!;
    assert.equal((await exportReporterData(t.ctx.db, t.ctx.vault, t.ctx.secret, report)).report.policyAcceptance, 'accepted');
  });

  it('is the use case\'s rule: an e-mail submission claiming acceptance still records none', async () => {
    const program = await demo(t.ctx.db);
    const created = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program, { acceptPolicy: 'yes' }), files: [], channel: 'email' });
    const row = await t.ctx.db.selectFrom('reports').select(['policy_accepted_at', 'policy_version_id']).where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.equal(row.policy_accepted_at, null);
    assert.equal(row.policy_version_id, program.policy.id, 'the version in force is still known');
  });
});
