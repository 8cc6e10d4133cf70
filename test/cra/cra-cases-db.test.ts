import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StaffActor } from '../../src/auth/policies.ts';
import type { AppContext } from '../../src/context.ts';
import type { Role } from '../../src/db/schema.ts';
import { correctAwareAt, markCraCase, recordCraSubmission, setMeasureAvailable } from '../../src/cra/cra-actions.ts';
import { saveCraDraft } from '../../src/cra/cra-drafts.ts';
import { craReminderMail } from '../../src/cra/cra-mail.ts';
import { loadCraView } from '../../src/cra/load-cra-view.ts';
import { recordSevereIncident } from '../../src/cra/record-incident.ts';
import { openReport } from '../../src/reports/report-contents.ts';
import { findReportByReference } from '../../src/reports/read-report.ts';
import { runSlaSweep } from '../../src/sla-reminders/sla-sweep.ts';
import { draftAdvisoryFromReport, loadStaffAdvisory, saveDraft } from '../../src/advisories/advisory-store.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff, testVault } from '../helpers/factories.ts';

const actorOf = (user: { id: string; email: string }, programId: string, role: Role): StaffActor => ({ kind: 'staff', userId: user.id, email: user.email, displayName: 'x', roles: new Map([[programId, role]]) });

for (const kind of await databaseKinds()) {
  describe(`CRA cases (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await freshDatabase(kind);
    });
    after(() => t.close());

    it('a lead marks a report actively exploited (a triager cannot); submissions stop clocks; drafts are pre-filled, sealed, saved; the sweep reminds through the outbox', async () => {
      const program = await demo(t.db);
      const zone = program.config.calendar.timeZone;
      const report = await makeReport(t.db, { title: 'Auth bypass in the login form', impact: 'Any account can be taken over.' });
      const lead = await makeStaff(t.db, 'lead');
      const triager = await makeStaff(t.db, 'triager');
      const aware = new Date('2026-12-01T08:00:00Z');
      const now = new Date('2026-12-01T09:00:00Z');

      await assert.rejects(markCraCase(t.db, { actor: actorOf(triager, program.id, 'triager'), reportId: report.id, kind: 'exploited-vulnerability', awareAt: aware, now }), { code: 'forbidden' });
      await assert.rejects(markCraCase(t.db, { actor: actorOf(lead, 'another-program', 'lead'), reportId: report.id, kind: 'exploited-vulnerability', awareAt: aware, now }), { code: 'not_found' });
      await assert.rejects(markCraCase(t.db, { actor: actorOf(lead, program.id, 'lead'), reportId: report.id, kind: 'exploited-vulnerability', awareAt: new Date('2026-12-02T00:00:00Z'), now }), { code: 'validation_failed' });
      const { caseId } = await markCraCase(t.db, { actor: actorOf(lead, program.id, 'lead'), reportId: report.id, kind: 'exploited-vulnerability', awareAt: aware, now });
      await assert.rejects(markCraCase(t.db, { actor: actorOf(lead, program.id, 'lead'), reportId: report.id, kind: 'exploited-vulnerability', awareAt: aware, now }), { code: 'validation_failed' });
      const events = await t.db.selectFrom('report_events').select(['type', 'data', 'reporter_visible']).where('report_id', '=', report.id).where('type', 'like', 'cra-%' as never).execute();
      assert.deepEqual(events.map((e) => [e.type, e.reporter_visible]), [['cra-marked', false]]);
      // In the audit log too, in the same transaction (src/audit/): who marked which report as what.
      const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_id', 'details']).where('report_id', '=', report.id).where('action', '=', 'report.cra-marked').execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor_id, lead.id);
      assert.match(audit[0]!.details, /exploited-vulnerability/);

      const opened = (await findReportByReference(t.db, testVault, report.reference))!;
      // A mistyped moment is corrected by a lead (every clock moves; the timeline keeps both), not by a triager.
      await assert.rejects(correctAwareAt(t.db, { actor: actorOf(triager, program.id, 'triager'), caseId, awareAt: new Date('2026-12-01T07:30:00Z'), now }), { code: 'forbidden' });
      await correctAwareAt(t.db, { actor: actorOf(lead, program.id, 'lead'), caseId, awareAt: new Date('2026-12-01T07:30:00Z'), now });
      const corrected = await loadCraView(t.db, testVault, opened, program, now);
      assert.equal(corrected.cases[0]!.clocks[0]!.state === 'running' && corrected.cases[0]!.clocks[0]!.dueAt.toISOString(), '2026-12-02T07:30:00.000Z');
      await correctAwareAt(t.db, { actor: actorOf(lead, program.id, 'lead'), caseId, awareAt: aware, now });
      const marks = await t.db.selectFrom('report_events').select('data').where('report_id', '=', report.id).where('type', '=', 'cra-marked').orderBy('id').execute();
      assert.deepEqual(marks.map((m) => (m.data as { correctedFrom?: string }).correctedFrom ?? null), [null, '2026-12-01T08:00:00.000Z', '2026-12-01T07:30:00.000Z']);
      let view = await loadCraView(t.db, testVault, opened, program, now);
      const c = view.cases[0]!;
      assert.deepEqual(c.clocks.map((k) => k.state), ['running', 'running', 'waiting']);
      assert.equal(c.clocks[0]!.state === 'running' && c.clocks[0]!.dueAt.toISOString(), '2026-12-02T08:00:00.000Z');
      // Pre-filled from the report: product, nature, severity and impact; the exploit's nature is the team's to write.
      const notification = c.drafts.notification;
      assert.equal(notification.saved, false);
      assert.match(notification.values.product ?? '', /version 4\.2\.1/);
      assert.match(notification.values.natureOfVulnerability ?? '', /Auth bypass in the login form/);
      assert.equal(notification.values.natureOfExploit, undefined);
      assert.match(c.drafts['final-report'].values.severityAndImpact ?? '', /Any account can be taken over/);

      // Drafting is open to triagers; the text is sealed at rest.
      await saveCraDraft(t.db, testVault, { actor: actorOf(triager, program.id, 'triager'), caseId, step: 'notification', input: { ...notification.values, natureOfExploit: 'Credential stuffing via SECRET-EXPLOIT-WORD' } });
      const raw = await t.db.selectFrom('cra_drafts').select('fields_sealed').executeTakeFirstOrThrow();
      assert.ok(!raw.fields_sealed.toString('latin1').includes('SECRET-EXPLOIT-WORD'), 'the draft is sealed');
      view = await loadCraView(t.db, testVault, opened, program, now);
      assert.equal(view.cases[0]!.drafts.notification.saved, true);
      assert.equal(view.cases[0]!.drafts.notification.values.natureOfExploit, 'Credential stuffing via SECRET-EXPLOIT-WORD');

      // Recording: lead only; the first submission stops the step's clock.
      await assert.rejects(recordCraSubmission(t.db, { actor: actorOf(triager, program.id, 'triager'), caseId, step: 'early-warning', submittedAt: now, channel: 'single-reporting-platform', reference: 'X', now }), { code: 'forbidden' });
      await recordCraSubmission(t.db, { actor: actorOf(lead, program.id, 'lead'), caseId, step: 'early-warning', submittedAt: now, channel: 'single-reporting-platform', reference: 'CSIRT-SE-2026-0042', now });
      await setMeasureAvailable(t.db, { actor: actorOf(lead, program.id, 'lead'), caseId, at: now, now });
      view = await loadCraView(t.db, testVault, opened, program, now);
      const clocks = view.cases[0]!.clocks;
      assert.deepEqual(clocks.map((k) => k.state), ['submitted', 'running', 'running']);
      await assert.rejects(correctAwareAt(t.db, { actor: actorOf(lead, program.id, 'lead'), caseId, awareAt: new Date('2026-12-01T09:00:30Z'), now: new Date('2026-12-01T09:01:00Z') }), { code: 'validation_failed' }, 'not after a submission');
      assert.equal(view.cases[0]!.submissions[0]!.reference, 'CSIRT-SE-2026-0042');
      assert.equal(clocks[2]!.state === 'running' && clocks[2]!.dueAt.toISOString(), '2026-12-15T09:00:00.000Z');

      // The SLA sweep: 60 h in, the notification (72 h) is near its deadline; at 73 h it is overdue and escalates.
      const before = await t.db.selectFrom('jobs').select('id').where('kind', '=', 'sla-mail').execute();
      await runSlaSweep(t.db, new Date('2026-12-03T20:00:00Z'));
      const near = await t.db.selectFrom('sla_reminders').selectAll().where('report_id', '=', report.id).where('clock', 'like', 'cra-%' as never).execute();
      assert.ok(near.length > 0 && near.every((r) => r.clock === 'cra-vuln-notification' && r.threshold === 'near-breach'));
      await runSlaSweep(t.db, new Date('2026-12-04T09:00:00Z'));
      const all = await t.db.selectFrom('sla_reminders').selectAll().where('report_id', '=', report.id).where('clock', 'like', 'cra-%' as never).execute();
      assert.ok(all.some((r) => r.threshold === 'escalation' && r.recipient_id === lead.id), 'escalated to the lead');
      const jobs = await t.db.selectFrom('jobs').select('id').where('kind', '=', 'sla-mail').execute();
      assert.equal(jobs.length - before.length, all.length, 'one outbox job per reminder');
      await runSlaSweep(t.db, new Date('2026-12-04T09:15:00Z'));
      assert.equal((await t.db.selectFrom('sla_reminders').select('id').where('report_id', '=', report.id).where('clock', 'like', 'cra-%' as never).execute()).length, all.length, 'once each');

      // The mail is written fresh: it names the step, the article and the zone; none once the step is submitted.
      const ctx = { db: t.db, config: { baseUrl: 'https://embargo.example' } } as unknown as AppContext;
      const esc = all.find((r) => r.threshold === 'escalation')!;
      const row = { clock: esc.clock, threshold: esc.threshold, due_at: esc.due_at, reportId: report.id, reference: report.reference, email: 'lead@example.com', display_name: 'Lena' };
      const mail = await craReminderMail(ctx, row, new Date('2026-12-04T09:00:00Z'));
      assert.match(mail!.subject, /Escalation: CRA vulnerability notification \(Art\. 14\(2\)\(b\)/);
      assert.ok(mail!.text.includes(zone));
      await recordCraSubmission(t.db, { actor: actorOf(lead, program.id, 'lead'), caseId, step: 'notification', submittedAt: new Date('2026-12-04T09:00:00Z'), channel: 'single-reporting-platform', reference: '', now: new Date('2026-12-04T09:01:00Z') });
      assert.equal(await craReminderMail(ctx, row, new Date('2026-12-04T09:05:00Z')), undefined);
    });

    it('drafts are pre-filled from the report’s advisory: mitigation, CVE, fixed versions', async () => {
      const program = await demo(t.db);
      const report = await makeReport(t.db, { title: 'Token leak' });
      const lead = await makeStaff(t.db, 'lead');
      const { id } = await draftAdvisoryFromReport(t.db, testVault, { reportReference: report.reference, actorId: lead.id });
      const advisory = (await loadStaffAdvisory(t.db, testVault, id))!;
      const products = advisory.content.products.map((p) => ({ ...p, fixed: '4.2.2' }));
      await saveDraft(t.db, testVault, { id, content: { ...advisory.content, mitigation: 'Rotate every API token, then upgrade.', cveId: 'CVE-2026-4242', products } });
      await markCraCase(t.db, { actor: actorOf(lead, program.id, 'lead'), reportId: report.id, kind: 'exploited-vulnerability', awareAt: new Date(Date.now() - 60_000) });
      const view = await loadCraView(t.db, testVault, (await findReportByReference(t.db, testVault, report.reference))!, program);
      const n = view.cases[0]!.drafts.notification.values;
      assert.equal(n.userMeasures, 'Rotate every API token, then upgrade.');
      assert.match(n.natureOfVulnerability ?? '', /CVE-2026-4242/);
      assert.match(n.measuresTaken ?? '', /^Fixed in: .+ 4\.2\.2\n\nRotate every API token, then upgrade\.$/);
      assert.equal(view.advisory?.state, 'draft');
    });

    it('a lead records a severe incident nobody reported: a new report (channel staff, no reporter) marked in one transaction, its clocks running; the sweep reminds and escalates the incident’s steps', async () => {
      const program = await demo(t.db);
      const lead = await makeStaff(t.db, 'lead');
      const triager = await makeStaff(t.db, 'triager');
      const aware = new Date('2026-12-01T08:00:00Z');
      const now = new Date('2026-12-01T09:00:00Z');
      const input = { programId: program.id, product: 'example-cloud', title: 'Build server compromised', description: 'Signing keys may have leaked.', awareAt: aware };
      const count = async () => Number((await t.db.selectFrom('reports').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const reportsBefore = await count();

      await assert.rejects(recordSevereIncident({ db: t.db, vault: testVault }, actorOf(triager, program.id, 'triager'), input, now), { code: 'forbidden' });
      await assert.rejects(recordSevereIncident({ db: t.db, vault: testVault }, actorOf(lead, 'another-program', 'lead'), input, now), { code: 'not_found' });
      await assert.rejects(recordSevereIncident({ db: t.db, vault: testVault }, actorOf(lead, program.id, 'lead'), { ...input, awareAt: new Date('2026-12-02T00:00:00Z') }, now), { code: 'validation_failed' });
      await assert.rejects(recordSevereIncident({ db: t.db, vault: testVault }, actorOf(lead, program.id, 'lead'), { ...input, product: 'not-a-product' }, now), { code: 'validation_failed' });
      await assert.rejects(recordSevereIncident({ db: t.db, vault: testVault }, actorOf(lead, program.id, 'lead'), { ...input, title: 'x' }, now), { code: 'validation_failed' });
      assert.equal(await count(), reportsBefore, 'nothing stored when refused');

      const created = await recordSevereIncident({ db: t.db, vault: testVault }, actorOf(lead, program.id, 'lead'), input, now);
      assert.match(created.reference, /^[A-Z]+-2026-\d{4,}$/);
      const row = await t.db.selectFrom('reports').selectAll().where('id', '=', created.reportId).executeTakeFirstOrThrow();
      assert.equal(row.channel, 'staff');
      assert.equal(row.product, 'example-cloud');
      assert.equal(row.policy_accepted_at, null, 'nobody was shown the policy');
      const opened = openReport(testVault, row);
      assert.equal(opened.title, 'Build server compromised');
      assert.deepEqual([opened.reporter_name, opened.reporter_handle, opened.reporter_email], [null, null, null]);
      assert.equal(opened.description, 'Signing keys may have leaked.');
      // The record and its mark: the submission is the lead's, then the mark; both staff-only but the submission.
      const events = await t.db.selectFrom('report_events').select(['type', 'actor_kind', 'actor_id']).where('report_id', '=', created.reportId).orderBy('id').execute();
      assert.deepEqual(events.map((e) => [e.type, e.actor_kind, e.actor_id]), [['submitted', 'staff', lead.id], ['cra-marked', 'staff', lead.id]]);
      const c = await t.db.selectFrom('cra_cases').selectAll().where('report_id', '=', created.reportId).executeTakeFirstOrThrow();
      assert.equal(c.id, created.caseId);
      assert.equal(c.kind, 'severe-incident');
      assert.equal(c.aware_at.toISOString(), aware.toISOString());
      assert.equal((await t.db.selectFrom('audit_log').select('action').where('report_id', '=', created.reportId).where('action', '=', 'report.cra-marked').execute()).length, 1);
      const view = await loadCraView(t.db, testVault, (await findReportByReference(t.db, testVault, created.reference))!, program, now);
      const clocks = view.cases[0]!.clocks;
      assert.deepEqual(clocks.map((k) => k.state), ['running', 'running', 'running']);
      assert.equal(clocks[0]!.state === 'running' && clocks[0]!.dueAt.toISOString(), '2026-12-02T08:00:00.000Z');

      // The incident's steps remind like the vulnerability's: the notification submitted 2026-12-03 09:00,
      // the final report is due a month later (2027-01-03 09:00); near it (a quarter of the month left), then overdue.
      await recordCraSubmission(t.db, { actor: actorOf(lead, program.id, 'lead'), caseId: c.id, step: 'early-warning', submittedAt: new Date('2026-12-01T10:00:00Z'), channel: 'single-reporting-platform', reference: '', now: new Date('2026-12-01T10:00:00Z') });
      await recordCraSubmission(t.db, { actor: actorOf(lead, program.id, 'lead'), caseId: c.id, step: 'notification', submittedAt: new Date('2026-12-03T09:00:00Z'), channel: 'single-reporting-platform', reference: '', now: new Date('2026-12-03T09:00:00Z') });
      const before = await t.db.selectFrom('jobs').select('id').where('kind', '=', 'sla-mail').execute();
      const reminders = () => t.db.selectFrom('sla_reminders').selectAll().where('report_id', '=', created.reportId).where('clock', 'like', 'cra-%' as never).execute();
      await runSlaSweep(t.db, new Date('2026-12-20T09:00:00Z'));
      assert.equal((await reminders()).length, 0, 'not yet near');
      await runSlaSweep(t.db, new Date('2026-12-28T09:00:00Z'));
      const near = await reminders();
      assert.ok(near.length > 0 && near.every((r) => r.clock === 'cra-incident-final-report' && r.threshold === 'near-breach'), JSON.stringify(near.map((r) => [r.clock, r.threshold])));
      assert.ok(near.some((r) => r.recipient_id === lead.id), 'nobody assigned: the leads are reminded');
      await runSlaSweep(t.db, new Date('2027-01-03T09:30:00Z'));
      const all = await reminders();
      assert.ok(all.some((r) => r.clock === 'cra-incident-final-report' && r.threshold === 'escalation' && r.recipient_id === lead.id), 'escalated to the lead');
      const jobs = await t.db.selectFrom('jobs').select('id').where('kind', '=', 'sla-mail').execute();
      // The other reports' SLA clocks remind too: at least one job per CRA reminder.
      assert.ok(jobs.length - before.length >= all.length);
      await runSlaSweep(t.db, new Date('2027-01-03T09:45:00Z'));
      assert.equal((await reminders()).length, all.length, 'once each');
    });
  });
}
