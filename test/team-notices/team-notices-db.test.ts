import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { sql } from 'kysely';
import { addDays, instantAt, localDateOf } from '../../src/calendar/zoned-time.ts';
import { nextBusinessDay } from '../../src/calendar/business-calendar.ts';
import { proposeDisclosureDate } from '../../src/disclosure/propose-disclosure-date.ts';
import { postReporterReply } from '../../src/reports/report-actions.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { programSla } from '../../src/sla/report-clocks.ts';
import { DEFAULT_PREFERENCES, saveNotificationPreferences, type NotificationPreferences } from '../../src/team-notices/preferences.ts';
import { pruneTeamNotices, queueTeamDigests } from '../../src/team-notices/team-digest.ts';
import { noticeNewWork } from '../../src/team-notices/notice-new-work.ts';
import { recordAssessment } from '../../src/triage/spam-signals.ts';
import { releaseFromQuarantine } from '../../src/triage/quarantine.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import type { Role } from '../../src/db/schema.ts';
import { otherProgram } from '../api/api-helpers.ts';
import { mailContext, type MailTestContext } from '../mail/mail-helpers.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { demo, reportInput, testVault } from '../helpers/factories.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import type { Program } from '../../src/programs/programs.ts';

/** What the notices must never carry: the report's words and the reporter's identity (reportInput's defaults). */
const SECRETS = ['Stored XSS', 'display name is rendered', 'Ada Lovelace', 'ada@example.org', 'Session theft'];
const FOOTER = 'Choose what you hear about';

for (const kind of await databaseKinds()) {
  describe(`the team hears about new work (${kind})`, () => {
    let t: TestDatabase;
    let m: MailTestContext;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let program: Program;
    let other: Program;
    const people: Record<string, { id: string; email: string }> = {};
    let seen = 0;

    async function person(name: string, role: Role, programId: string, prefs?: Partial<NotificationPreferences['deliveries']> & { quarantined?: 'digest' | 'never' }) {
      const email = `${name}-${kind}@example.com`;
      const { id } = await createStaffUser(t.db, { email, displayName: name, password: 'correct horse battery staple', role }, [programId]);
      if (prefs) {
        const { quarantined, ...deliveries } = prefs;
        await saveNotificationPreferences(t.db, {
          userId: id,
          preferences: { ...DEFAULT_PREFERENCES, deliveries: { ...DEFAULT_PREFERENCES.deliveries, ...deliveries }, quarantined: quarantined ?? 'digest' },
        });
      }
      people[name] = { id, email };
    }

    /** Runs every job, then the notices mailed since the last call: recipient name → subjects. */
    async function notices(): Promise<Map<string, string[]>> {
      await m.worker.drain();
      const fresh = sink.mails.slice(seen);
      seen = sink.mails.length;
      const out = new Map<string, string[]>();
      for (const mail of fresh) {
        const parsed = await simpleParser(mail.raw);
        if (!(parsed.text ?? '').includes(FOOTER)) continue; // receipts, SLA and disclosure-date mails
        for (const leak of SECRETS) assert.ok(!mail.raw.includes(leak), `a staff notice carries "${leak}"`);
        const name = Object.keys(people).find((n) => mail.to.includes(people[n]!.email)) ?? mail.to.join(',');
        out.set(name, [...(out.get(name) ?? []), String(parsed.subject)]);
      }
      return out;
    }

    before(async () => {
      t = await freshDatabase(kind);
      sink = await startSmtpSink();
      m = await mailContext(t.db, { EMBARGO_SMTP_URL: sink.url });
      program = await demo(t.db);
      other = await otherProgram(t.db);
      await person('triager', 'triager', program.id);
      await person('lead', 'lead', program.id, { 'new-report': 'never', 'reporter-reply': 'digest', 'quarantine-released': 'immediate' });
      await person('viewer', 'viewer', program.id);
      await person('gone', 'triager', program.id);
      await sql`UPDATE staff_users SET disabled_at = now() WHERE id = ${people.gone!.id}`.execute(t.db);
      await person('elsewhere', 'admin', other.id);
      await m.worker.drain();
    });
    after(async () => {
      m?.close();
      await sink?.close();
      await t?.close();
    });

    let reference = '';
    let reportId = '';
    let quarantinedRef = '';

    it('mails a new report at once to the program members who want it, by reference only', async () => {
      const made = await submitReport(t.db, testVault, { program, input: reportInput(program), files: [], channel: 'web' });
      ({ reference } = made);
      reportId = made.id;
      const got = await notices();
      assert.deepEqual([...got.keys()], ['triager'], 'not the lead (never), the viewer, the deactivated member nor another program');
      assert.deepEqual(got.get('triager'), [`[${reference}] New report`]);
      const mail = sink.mails.find((x) => x.to.includes(people.triager!.email) && x.raw.includes(`[${reference}] New report`))!;
      const text = (await simpleParser(mail.raw)).text ?? '';
      assert.match(text, new RegExp(`https://cvd\\.example\\.com/staff/reports/${reference}`));
      assert.match(text, /arrived through the web form for /);
      // The notice is queued with the report: one job, in the submission's transaction.
      const jobs = await t.db.selectFrom('jobs').select(['kind', 'payload']).where('kind', '=', 'notify-team').execute();
      assert.equal(jobs.length, 1);
    });

    it('mails a reporter reply at once to those who want it, and not to those who chose the digest', async () => {
      await postReporterReply(t.db, testVault, { reportId, body: 'Here is more detail: it also works in /admin/groups.', files: [] });
      const got = await notices();
      assert.deepEqual(Object.fromEntries(got), { triager: [`[${reference}] The reporter replied`] });
      const mail = sink.mails.find((x) => x.raw.includes(`[${reference}] The reporter replied`))!;
      assert.ok(!mail.raw.includes('/admin/groups'), 'the reply itself stays behind the sign-in');
    });

    it("a reporter's disclosure proposal reaches who chose it at once; the default is the digest", async () => {
      await saveNotificationPreferences(t.db, {
        userId: people.triager!.id,
        preferences: { ...DEFAULT_PREFERENCES, deliveries: { ...DEFAULT_PREFERENCES.deliveries, 'disclosure-proposal': 'immediate' } },
      });
      const date = addDays(localDateOf(new Date(), 'Europe/Amsterdam'), 60);
      await proposeDisclosureDate(t.db, testVault, {
        reportId,
        actor: { kind: 'reporter' },
        moment: { date, time: '10:00', timeZone: 'Europe/Amsterdam' },
        message: 'I present this at a conference then.',
      });
      const got = await notices();
      assert.deepEqual([...got.keys()], ['triager']);
      assert.match(got.get('triager')![0]!, new RegExp(`^\\[${reference}\\] The reporter proposed a disclosure date: `));
      // The team's own proposal is no news to the team.
      await proposeDisclosureDate(t.db, testVault, {
        reportId,
        actor: { kind: 'staff', id: people.triager!.id },
        moment: { date: addDays(date, 7), time: '10:00', timeZone: 'Europe/Amsterdam' },
        message: 'A week later, please: the fix ships then.',
      });
      assert.equal((await notices()).size, 0);
    });

    it('a quarantined report notifies no one at once; its release does, except the one who released it', async () => {
      const made = await submitReport(t.db, testVault, {
        program,
        input: reportInput(program, { title: 'Quarantined one' }),
        files: [],
        channel: 'api',
        withinTransaction: (trx, created) => recordAssessment(trx, created.id, { quarantined: true, reasons: ['machine-text', 'low-effort'], aiAssistance: null, ipHash: null }),
      });
      quarantinedRef = made.reference;
      assert.equal((await notices()).size, 0, 'nobody hears of a quarantined arrival at once');
      const notice = await t.db.selectFrom('team_notices').select(['kind', 'quarantined']).where('report_id', '=', made.id).executeTakeFirstOrThrow();
      assert.deepEqual(notice, { kind: 'new-report', quarantined: true });

      await releaseFromQuarantine(t.db, { reportId: made.id, actorId: people.triager!.id });
      const got = await notices();
      assert.deepEqual(Object.fromEntries(got), { lead: [`[${quarantinedRef}] Released from quarantine`] }, 'the releaser (triager) is not told of their own action');
    });

    it('a deactivated member gets nothing even when a mail was queued for them before', async () => {
      const made = await submitReport(t.db, testVault, { program, input: reportInput(program, { title: 'Late one' }), files: [], channel: 'email' });
      // The fan-out runs (queueing the triager's mail), then the triager is deactivated before the mail job runs.
      const fanOut = await t.db.selectFrom('jobs').select('payload').where('kind', '=', 'notify-team').where('state', '=', 'pending').executeTakeFirstOrThrow();
      assert.equal(await noticeNewWork(t.db, String(fanOut.payload.eventId)), 1);
      assert.equal(await noticeNewWork(t.db, String(fanOut.payload.eventId)), 0, 'noticed once, however often the job runs');
      await t.db.updateTable('staff_users').set({ disabled_at: new Date() }).where('id', '=', people.triager!.id).execute();
      const got = await notices();
      assert.equal(got.size, 0, `nothing for ${made.reference}`);
      const mailJobs = (await t.db.selectFrom('jobs').select(['state', 'payload']).where('kind', '=', 'team-mail').execute()).filter((j) => j.payload.userId === people.triager!.id);
      assert.ok(mailJobs.length > 0 && mailJobs.every((j) => j.state === 'done'), 'the queued mail ran and sent nothing');
      await t.db.updateTable('staff_users').set({ disabled_at: null }).where('id', '=', people.triager!.id).execute();
    });

    it('the daily digest lists what each person chose to get in it, with links, on working days from their hour; nothing when empty', async () => {
      const { calendar } = programSla(program.config);
      const zone = calendar.timeZone;
      const today = localDateOf(new Date(), zone);
      const workDay = nextBusinessDay(calendar, today);
      let closedDay = addDays(today, 1);
      while (calendar.dayStatus(closedDay).open) closedDay = addDays(closedDay, 1);
      const hour = (day: string, h: number) => instantAt(zone, day, h * 3_600_000);

      assert.equal(await queueTeamDigests(t.db, hour(workDay, 8)), 0, 'not before the digest hour (9:00 by default)');
      assert.equal(await queueTeamDigests(t.db, hour(closedDay, 10)), 0, 'not on a day the office is closed');
      const queued = await queueTeamDigests(t.db, hour(workDay, 10));
      assert.equal(queued, 3, 'triager, lead and the other program’s admin; not the viewer nor the deactivated member');
      assert.equal(await queueTeamDigests(t.db, hour(workDay, 11)), 0, 'once a day');
      await m.worker.drain();
      const digests = sink.mails.slice(seen).filter((x) => x.raw.includes('since your last digest'));
      seen = sink.mails.length;
      const byName = new Map<string, string>();
      for (const d of digests) {
        const name = Object.keys(people).find((n) => d.to.includes(people[n]!.email))!;
        byName.set(name, (await simpleParser(d.raw)).text ?? '');
        for (const leak of SECRETS) assert.ok(!d.raw.includes(leak), `a digest carries "${leak}"`);
      }
      assert.deepEqual([...byName.keys()].sort(), ['lead', 'triager'], 'the other program had nothing: no mail');
      const lead = byName.get('lead')!;
      assert.match(lead, new RegExp(`Reporters replied:\\n- ${reference}: https://cvd\\.example\\.com/staff/reports/${reference}`));
      assert.match(lead, new RegExp(`Reporters proposed or agreed to a disclosure date:\\n- ${reference}:`));
      assert.match(lead, new RegExp(`Quarantined as likely spam \\(nobody was told at once\\):\\n- ${quarantinedRef}:`));
      assert.match(lead, /staff\/reports\/quarantine/);
      assert.doesNotMatch(lead, /New reports:/, 'the lead chose never for new reports');
      const triager = byName.get('triager')!;
      assert.match(triager, new RegExp(`Quarantined as likely spam \\(nobody was told at once\\):\\n- ${quarantinedRef}:`));
      assert.doesNotMatch(triager, /Released from quarantine:/, 'not their own release');
      assert.doesNotMatch(triager, /Reporters replied:/, 'they had it at once');

      // The next working day: only what happened since.
      const nextDay = nextBusinessDay(calendar, workDay);
      assert.equal(await queueTeamDigests(t.db, hour(nextDay, 10)), 3);
      await m.worker.drain();
      assert.equal(sink.mails.slice(seen).filter((x) => x.raw.includes('since your last digest')).length, 0, 'nothing new: no digest');
      seen = sink.mails.length;

      // Notices and digest records go after 60 days, with the sweep.
      assert.equal(await pruneTeamNotices(t.db, new Date(Date.now() + 59 * 86_400_000)), 0);
      assert.ok((await pruneTeamNotices(t.db, hour(addDays(nextDay, 61), 12))) > 0);
      assert.equal((await t.db.selectFrom('team_notices').select('id').execute()).length, 0);
      assert.equal((await t.db.selectFrom('team_digests').select('day').execute()).length, 0);
    });
  });
}
