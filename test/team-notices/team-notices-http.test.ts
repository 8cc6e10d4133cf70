import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { simpleParser } from 'mailparser';
import { addDays, localDateOf } from '../../src/calendar/zoned-time.ts';
import type { AppContext } from '../../src/context.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { ensureProgramKeys } from '../../src/keys/ensure-program-keys.ts';
import { loadProgramAddresses } from '../../src/mail-intake/recipients.ts';
import { startSmtpListener, type SmtpListener } from '../../src/mail-intake/smtp-listener.ts';
import { storeInboundMail } from '../../src/mail-intake/store-inbound.ts';
import { createMailer, type Mailer } from '../../src/mail/mailer.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { DEFAULT_PREFERENCES, saveNotificationPreferences } from '../../src/team-notices/preferences.ts';
import type { Role } from '../../src/db/schema.ts';
import { apiClient, makeApiToken, submission } from '../api/api-helpers.ts';
import { Client, defaultAppDatabase, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const form = {
  title: 'Open redirect in the login page',
  product: 'example-cloud',
  productVersion: '4.2',
  vulnerabilityType: 'other',
  description: 'The next parameter of the login page accepts any absolute URL, so a crafted link sends users to another site after they sign in.',
  stepsToReproduce: '1. Open /login?next=https://evil.example\n2. Sign in with any account\n3. The browser lands on evil.example',
  impact: 'Phishing with our domain in the link: users trust it and type their password again on the other site.',
  creditPreference: 'anonymous',
  acceptPolicy: 'yes',
  policyVersion: '1',
};
/** Words that must stay behind the sign-in (the form's and the mail's contents, the reporters' addresses). */
const SECRETS = ['Open redirect', 'evil.example', 'SSRF', '169.254', 'grace@example.org', 'Heap overflow', 'mallory@example.org', 'conference', 'more detail'];
const FOOTER = 'Choose what you hear about';
const TRACK = /\/track\/([A-Za-z0-9_-]{43})/;

describe('new work reaches the team through every channel', () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let mailCtx: AppContext;
  let worker: Worker;
  let listener: SmtpListener;
  let toListener: Mailer;
  const people: Record<string, { id: string; email: string; password: string }> = {};
  let seen = 0;

  /** Runs the jobs, then the notices mailed since the last call: recipient name → subjects. */
  async function notices(): Promise<Record<string, string[]>> {
    await worker.drain();
    const fresh = sink.mails.slice(seen);
    seen = sink.mails.length;
    const out: Record<string, string[]> = {};
    for (const mail of fresh) {
      const parsed = await simpleParser(mail.raw);
      if (!(parsed.text ?? '').includes(FOOTER)) continue;
      for (const leak of SECRETS) assert.ok(!mail.raw.includes(leak), `a staff notice carries "${leak}"`);
      const name = Object.keys(people).find((n) => mail.to.includes(people[n]!.email)) ?? mail.to.join(',');
      (out[name] ??= []).push(String(parsed.subject));
    }
    return out;
  }

  async function person(name: string, role: Role) {
    const email = `${name}@example.com`;
    const password = 'correct horse battery staple';
    const program = await t.ctx.db.selectFrom('programs').select('id').where('slug', '=', 'example').executeTakeFirstOrThrow();
    const { id } = await createStaffUser(t.ctx.db, { email, displayName: name, password, role }, [program.id]);
    people[name] = { id, email, password };
  }

  const latestReference = async () => (await t.ctx.db.selectFrom('reports').select('reference').orderBy('created_at', 'desc').executeTakeFirstOrThrow()).reference;

  async function submitForm(fields: Record<string, string> = {}): Promise<{ token: string; reference: string }> {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/report')).body);
    const res = await c.postMultipart('/report', { ...form, ...fields, _csrf: csrf });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    return { token: TRACK.exec(String(res.headers.location))![1]!, reference: await latestReference() };
  }

  before(async () => {
    sink = await startSmtpSink();
    // The default database: PostgreSQL (test/helpers/http-app.ts).
    t = await startTestApp(defaultAppDatabase(), { EMBARGO_BASE_URL: 'https://cvd.example.com' });
    await ensureProgramKeys(t.ctx.db, t.ctx.secret, ['example'], pino({ level: 'silent' }));
    mailCtx = { ...t.ctx, mailer: createMailer(sink.url, 'security@example.com') };
    worker = createWorker({ db: t.ctx.db, handlers: createJobHandlers(mailCtx), logger: t.ctx.logger });
    listener = await startSmtpListener({
      host: '127.0.0.1',
      port: 0,
      hostname: 'mx.example.com',
      maxBytes: 200_000,
      programs: await loadProgramAddresses(t.ctx.db, ['example']),
      secret: t.ctx.secret,
      replyDomain: undefined,
      store: (mail) => storeInboundMail(t.ctx.db, t.ctx.secret, mail),
      logger: t.ctx.logger,
    });
    toListener = createMailer(`smtp://127.0.0.1:${listener.port}`, 'mallory@example.org')!;
    await person('triager', 'triager');
    await person('lead', 'lead');
    await person('viewer', 'viewer');
  });
  after(async () => {
    toListener?.close();
    await listener?.close();
    mailCtx?.mailer?.close();
    await t?.close();
    await sink?.close();
  });

  it('each person chooses on their account page, without JavaScript, behind CSRF', async () => {
    const lead = await Client.signedIn(t.app, people.lead!);
    const page = await lead.get('/staff/account');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<section id="notifications"/);
    assert.match(page.body, /<option value="immediate" selected(="")?>Mail me at once<\/option>/, 'new reports at once by default');
    assert.match(page.body, /Europe\/Amsterdam/, "the program's time zone is named");
    const section = /<section id="notifications"[\s\S]*?<\/section>/.exec(page.body)![0];
    assert.doesNotMatch(section, /<script|data-/, 'a plain form: no script needed');
    const csrf = Client.csrf(page.body);
    const choice = {
      'new-report': 'never',
      'reporter-reply': 'digest',
      'disclosure-proposal': 'immediate',
      'quarantine-released': 'immediate',
      quarantined: 'digest',
      digestHour: '8',
      workingDaysOnly: 'yes',
    };
    const forged = await lead.postForm('/staff/account/notifications', choice);
    assert.equal(forged.statusCode, 403, 'no CSRF token, no change');
    const bad = await lead.postForm('/staff/account/notifications', { ...choice, _csrf: csrf, quarantined: 'immediate', digestHour: '25' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Choose in the daily digest, or never\./);
    assert.match(bad.body, /Choose an hour from 0 to 23\./);
    assert.match(bad.body, /<select id="notice-disclosure-proposal" name="disclosure-proposal"><option value="immediate" selected(="")?>/, 'what was chosen comes back');
    const saved = await lead.postForm('/staff/account/notifications', { ...choice, _csrf: csrf });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, '/staff/account?done=notifications#notifications');
    const row = await t.ctx.db.selectFrom('notification_preferences').selectAll().where('user_id', '=', people.lead!.id).executeTakeFirstOrThrow();
    assert.deepEqual([row.new_report, row.reporter_reply, row.disclosure_proposal, row.quarantine_released, row.digest_hour, row.digest_working_days_only], ['never', 'digest', 'immediate', 'immediate', 8, true]);
    const again = await lead.get('/staff/account?done=notifications');
    assert.match(again.body, /Notification settings saved\./);
    assert.match(again.body, /<option value="8" selected(="")?>08:00<\/option>/);
  });

  let tracked: { token: string; reference: string };

  it('a report through the web form: the triager hears at once (not the lead who chose never, nor the viewer)', async () => {
    tracked = await submitForm();
    const got = await notices();
    assert.deepEqual(got, { triager: [`[${tracked.reference}] New report`] });
    const text = (await simpleParser(sink.mails.find((m) => m.raw.includes(`[${tracked.reference}] New report`))!.raw)).text ?? '';
    assert.match(text, /arrived through the web form/);
    assert.match(text, new RegExp(`Open it: https://cvd\\.example\\.com/staff/reports/${tracked.reference}`));
  });

  it('a report through the API', async () => {
    const { token } = await makeApiToken(t.ctx.db, ['reports:submit']);
    // The token's maker is an admin of the program; they chose to hear nothing, to keep this file's counts short.
    const known = Object.values(people).map((p) => p.id);
    for (const admin of await t.ctx.db.selectFrom('staff_users').select('id').where('id', 'not in', known).execute()) {
      const never = { 'new-report': 'never', 'reporter-reply': 'never', 'disclosure-proposal': 'never', 'quarantine-released': 'never' } as const;
      await saveNotificationPreferences(t.ctx.db, { userId: admin.id, preferences: { ...DEFAULT_PREFERENCES, deliveries: never } });
    }
    const res = await apiClient(t, token).post('/api/v1/reports', submission());
    assert.equal(res.status, 201, res.body);
    const got = await notices();
    assert.deepEqual(Object.keys(got), ['triager']);
    assert.deepEqual(got.triager, [`[${res.json.reference}] New report`]);
    assert.ok(sink.mails.some((m) => m.raw.includes(`[${res.json.reference}] New report`) && m.raw.includes('through the API')));
  });

  it('a report by mail through the SMTP listener', async () => {
    await toListener.send({ to: 'security@example.com', subject: 'Heap overflow in the TLV parser', text: 'Heap overflow in the TLV parser of Example Gateway: a length field of 0xffff overruns the buffer.\n\nSend the attached packet to port 4000 and the gateway crashes; with a crafted payload it runs code.' });
    const got = await notices();
    const reference = await latestReference();
    assert.deepEqual(got, { triager: [`[${reference}] New report`] });
    assert.ok(sink.mails.some((m) => m.raw.includes(`[${reference}] New report`) && m.raw.includes('by e-mail')));
  });

  it("a reporter's reply by mail, to the acknowledgement's reply address, through the SMTP listener", async () => {
    const reference = await latestReference();
    const ack = sink.mails.find((m) => m.to.includes('mallory@example.org') && m.raw.includes(`[${reference}]`));
    assert.ok(ack, 'the mailed report was acknowledged');
    const replyTo = String((await simpleParser(ack.raw)).replyTo?.text);
    assert.match(replyTo, /^security\+/);
    await toListener.send({ to: replyTo, subject: `Re: [${reference}] We received your report`, text: 'Heap overflow details: the crash dump is attached in my next mail.' });
    assert.deepEqual(await notices(), { triager: [`[${reference}] The reporter replied`] });
  });

  it("a reporter's reply on the tracking page", async () => {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get(`/track/${tracked.token}`)).body);
    const res = await c.postMultipart(`/track/${tracked.token}/reply`, { _csrf: csrf, body: 'Here is more detail: it also works on /logout?next=.' });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    assert.deepEqual(await notices(), { triager: [`[${tracked.reference}] The reporter replied`] }, 'the lead chose the digest');
  });

  it("a reporter's disclosure proposal on the tracking page", async () => {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get(`/track/${tracked.token}`)).body);
    const res = await c.postForm(`/track/${tracked.token}/disclosure-date`, {
      _csrf: csrf,
      disclosureDate: addDays(localDateOf(new Date(), 'Europe/Amsterdam'), 60),
      disclosureTime: '10:00',
      disclosureTimeZone: 'Europe/Amsterdam',
      disclosureMessage: 'I present this at a conference then.',
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const got = await notices();
    assert.deepEqual(Object.keys(got), ['lead'], 'the triager keeps the default (digest)');
    assert.match(got.lead![0]!, new RegExp(`^\\[${tracked.reference}\\] The reporter proposed a disclosure date: `));
  });

  it('a quarantined report through the web form tells no one; its release from the report page tells those who want it', async () => {
    const spam = await submitForm({
      title: 'As an AI language model I found a bug',
      description: 'As an AI language model, I cannot browse, but [insert URL here] is vulnerable.',
      stepsToReproduce: 'see description',
      impact: 'Very high impact.',
      reporterEmail: 'spammer@example.net',
    });
    const quarantined = await t.ctx.db.selectFrom('reports').select('quarantined').where('reference', '=', spam.reference).executeTakeFirstOrThrow();
    assert.equal(quarantined.quarantined, true, 'the spam signals quarantined it');
    assert.deepEqual(await notices(), {});

    const triager = await Client.signedIn(t.app, people.triager!);
    const page = await triager.get(`/staff/reports/${spam.reference}`);
    const res = await triager.postForm(`/staff/reports/${spam.reference}/release`, { _csrf: Client.csrf(page.body) });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    assert.deepEqual(await notices(), { lead: [`[${spam.reference}] Released from quarantine`] }, 'not the triager who released it');
  });
});
