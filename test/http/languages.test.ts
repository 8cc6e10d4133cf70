import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { AppContext } from '../../src/context.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import type { ProgramConfig } from '../../src/programs/program-config.ts';
import { LANGUAGE_COOKIE } from '../../src/web/request-language.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { apiClient, makeApiToken, submission } from '../api/api-helpers.ts';

// Runs the app on the default database: PostgreSQL (test/helpers/http-app.ts).
const report = {
  title: 'Open redirect in the login page',
  product: 'example-cloud',
  productVersion: '4.2',
  vulnerabilityType: 'other',
  description: 'The next parameter accepts any absolute URL.',
  stepsToReproduce: 'Open /login?next=https://evil.example',
  impact: 'Phishing with our domain in the link.',
  creditPreference: 'anonymous',
  acceptPolicy: 'yes',
  policyVersion: '1',
};

const langOf = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

describe('languages of the public face and of reporter mail', () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let mailCtx: AppContext;
  let worker: Worker;
  let program: ProgramConfig;

  before(async () => {
    sink = await startSmtpSink();
    t = await startTestApp();
    program = t.ctx.config.programs[0]!;
    mailCtx = { ...t.ctx, mailer: createMailer(sink.url, 'security@example.com') };
    worker = createWorker({ db: t.ctx.db, handlers: createJobHandlers(mailCtx), logger: t.ctx.logger });
  });
  after(async () => {
    mailCtx?.mailer?.close();
    await t?.close();
    await sink?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

  /** A visitor who chose a language with the link on the page, as a browser without JavaScript does. */
  async function visitorIn(language: string): Promise<Client> {
    const c = new Client(t.app);
    const res = await c.get(`/?lang=${language}`);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/');
    assert.equal(c.cookies.get(LANGUAGE_COOKIE), language);
    return c;
  }

  async function mailTo(address: string): Promise<{ subject: string; text: string }> {
    await worker.drain();
    const raw = sink.mails.filter((m) => m.to.includes(address)).at(-1);
    assert.ok(raw, `a mail to ${address}`);
    const parsed = await simpleParser(raw.raw);
    return { subject: parsed.subject ?? '', text: parsed.text ?? '' };
  }

  it('without a choice or a header: the program’s default (English), with the language links and Vary', async () => {
    const res = await get('/');
    assert.equal(res.statusCode, 200);
    assert.equal(langOf(res.body), 'en');
    assert.match(res.body, /Report a vulnerability/);
    assert.match(res.body, /<a href="\/\?lang=sv" hreflang="sv" lang="sv">Svenska<\/a>/);
    assert.match(res.body, /<a href="\/\?lang=it" hreflang="it" lang="it">Italiano<\/a>/);
    assert.match(String(res.headers.vary), /Accept-Language/);
    assert.match(String(res.headers.vary), /Cookie/);
    assert.equal(res.headers['content-language'], 'en');
  });

  it('follows Accept-Language by q-value among the offered languages', async () => {
    const sv = await get('/report', { 'accept-language': 'sv-SE,sv;q=0.9,en;q=0.5' });
    assert.equal(langOf(sv.body), 'sv');
    assert.match(sv.body, /Rapportera en sårbarhet/);
    assert.match(sv.body, /Skicka rapporten/);
    const it = await get('/policy', { 'accept-language': 'de;q=1, en;q=0.2, it;q=0.8' });
    assert.equal(langOf(it.body), 'it');
    assert.match(it.body, /Politica di divulgazione coordinata delle vulnerabilità/);
    assert.equal(langOf((await get('/', { 'accept-language': 'de, fr' })).body), 'en', 'nothing offered matches: the default');
  });

  it('the language link sets a cookie that wins over Accept-Language, keeps the page’s other parameters, and refuses unknown languages', async () => {
    const c = await visitorIn('it');
    const page = await t.app.inject({ method: 'GET', url: '/report', headers: { cookie: `${LANGUAGE_COOKIE}=it`, 'accept-language': 'sv' } });
    assert.equal(langOf(page.body), 'it');
    assert.match(page.body, /Invia la segnalazione/);
    const kept = await c.get('/advisories?lang=sv&page=2');
    assert.equal(kept.headers.location, '/advisories?page=2');
    const unknown = await new Client(t.app).get('/?lang=xx');
    assert.equal(unknown.statusCode, 303);
    assert.ok(!unknown.cookies.some((k) => k.name === LANGUAGE_COOKIE), 'no cookie for a language that is not shipped');
    assert.equal(langOf((await get('/', { cookie: `${LANGUAGE_COOKIE}=xx` })).body), 'en');
  });

  it('staff pages stay English whatever the visitor chose', async () => {
    const res = await get('/staff/login', { cookie: `${LANGUAGE_COOKIE}=sv`, 'accept-language': 'sv' });
    assert.equal(langOf(res.body), 'en');
    assert.ok(!res.body.includes('hreflang='), 'no language links on staff pages');
  });

  it('error pages are in the reader’s language', async () => {
    const res = await get('/no-such-page', { 'accept-language': 'sv' });
    assert.equal(res.statusCode, 404);
    assert.equal(langOf(res.body), 'sv');
    assert.match(res.body, /Hittades inte/);
  });

  it('a report submitted in Swedish stores Swedish, shows Swedish field errors and tracking page, and its receipt is Swedish', async () => {
    const c = await visitorIn('sv');
    const form = await c.get('/report');
    const refused = await c.postMultipart('/report', { ...report, title: '', _csrf: Client.csrf(form.body) });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /Rubrik måste fyllas i\. Sammanfatta problemet på en rad\./);
    const res = await c.postMultipart('/report', { ...report, reporterEmail: 'svensk@example.org', _csrf: Client.csrf(refused.body) });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const row = await t.ctx.db.selectFrom('reports').select(['language', 'reference']).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    assert.equal(row.language, 'sv');
    const track = await c.get(String(res.headers.location));
    assert.equal(langOf(track.body), 'sv');
    assert.match(track.body, /Tack! Din rapport är sparad/);
    assert.match(track.body, /tid i Europe\/Amsterdam/, "times name the program’s zone");
    const mail = await mailTo('svensk@example.org');
    assert.equal(mail.subject, `[${row.reference}] Vi har tagit emot din sårbarhetsrapport`);
    assert.match(mail.text, /^Hej,/);
    assert.match(mail.text, /Tack för att du rapporterade en sårbarhet till Example Corp\. Vi tog emot din rapport (mån|tis|ons|tors|fre|lör|sön) .* \(tid i Europe\/Amsterdam\) som/);
    assert.match(mail.text, /Vi svarar inom 3 arbetsdagar med vår bedömning av rapporten/);
  });

  it('a report submitted in Italian gets its receipt in Italian; one without a choice stores the program’s default', async () => {
    const c = await visitorIn('it');
    const form = await c.get('/report');
    const res = await c.postMultipart('/report', { ...report, reporterEmail: 'italiana@example.org', _csrf: Client.csrf(form.body) });
    assert.equal(res.statusCode, 303);
    const mail = await mailTo('italiana@example.org');
    assert.match(mail.subject, /Abbiamo ricevuto la tua segnalazione di vulnerabilità$/);
    assert.match(mail.text, /^Buongiorno,/);
    assert.match(mail.text, /Grazie per aver segnalato una vulnerabilità a Example Corp/);
    assert.match(mail.text, /Il team di sicurezza di Example Corp/);

    const plain = new Client(t.app);
    const plainForm = await plain.get('/report');
    assert.equal((await plain.postMultipart('/report', { ...report, _csrf: Client.csrf(plainForm.body) })).statusCode, 303);
    const row = await t.ctx.db.selectFrom('reports').select('language').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    assert.equal(row.language, 'en');
  });

  it('the API takes the reporter’s language: stored, and the receipt written in it', async () => {
    const { token } = await makeApiToken(t.ctx.db, ['reports:submit']);
    const api = apiClient(t, token);
    const res = await api.post('/api/v1/reports', submission({ reporterEmail: 'api-it@example.org', language: 'it' }));
    assert.equal(res.status, 201, res.body);
    const row = await t.ctx.db.selectFrom('reports').select('language').where('reference', '=', res.json.reference).executeTakeFirstOrThrow();
    assert.equal(row.language, 'it');
    assert.match((await mailTo('api-it@example.org')).subject, /Abbiamo ricevuto la tua segnalazione/);
    const refused = await api.post('/api/v1/reports', submission({ language: 'xx' }));
    assert.equal(refused.status, 422, 'a language Embargo does not ship is refused');
    const plain = await api.post('/api/v1/reports', submission());
    const plainRow = await t.ctx.db.selectFrom('reports').select('language').where('reference', '=', plain.json.reference).executeTakeFirstOrThrow();
    assert.equal(plainRow.language, 'en', 'without one: the program’s default');
  });

  it('a subscriber’s mail is in the language they subscribed in', async () => {
    const c = await visitorIn('sv');
    const form = await c.get('/subscribe');
    assert.match(form.body, /Prenumerera på säkerhetsmeddelanden/);
    const res = await c.postForm('/subscribe', { _csrf: Client.csrf(form.body), email: 'kund@example.org', allProducts: 'yes' });
    assert.equal(res.statusCode, 303);
    const mail = await mailTo('kund@example.org');
    assert.equal(mail.subject, 'Bekräfta din prenumeration på säkerhetsmeddelanden från Example Corp');
    assert.match(mail.text, /för: alla produkter från Example Corp\./);
  });

  it('the program’s default language and offer: a default of Italian, Swedish not offered', async () => {
    await syncPrograms(t.ctx.db, [{ ...program, languages: { default: 'it', offered: ['it', 'en'] } }]);
    try {
      const home = await get('/');
      assert.equal(langOf(home.body), 'it');
      assert.ok(!home.body.includes('hreflang="sv"'), 'only offered languages are linked');
      assert.equal(langOf((await get('/', { 'accept-language': 'sv' })).body), 'it', 'a language not offered falls back to the default');
      assert.equal(langOf((await get('/', { cookie: `${LANGUAGE_COOKIE}=sv` })).body), 'it');
      const txt = await get('/.well-known/security.txt');
      assert.match(txt.body, /^Preferred-Languages: it, en$/m);
    } finally {
      await syncPrograms(t.ctx.db, [program]);
    }
    assert.match((await get('/.well-known/security.txt')).body, /^Preferred-Languages: en, sv, it$/m);
  });

  it('a policy version can carry translations: the reader’s language when published, else the default text with a notice', async () => {
    const sv = { ...program.policy, introduction: 'Säkerhet är allas ansvar. Vi svarar inom {{firstResponse}}.', researcherRules: 'Testa bara dina egna konton.' };
    await syncPrograms(t.ctx.db, [{ ...program, policyTranslations: { sv } }]);
    try {
      const versions = await t.ctx.db.selectFrom('policy_versions').select(['version', 'translations']).orderBy('version', 'desc').execute();
      assert.ok(versions.length >= 2, 'a changed translation publishes a new version');
      const swedish = await get('/policy', { 'accept-language': 'sv' });
      assert.match(swedish.body, /Säkerhet är allas ansvar\. Vi svarar inom 3 arbetsdagar\./, 'placeholders are filled in the translation’s language');
      assert.match(swedish.body, /Vad vi ber dig om/);
      assert.ok(!swedish.body.includes('Policyn finns inte publicerad på ditt språk'));
      const home = await get('/', { 'accept-language': 'sv' });
      assert.match(home.body, /Säkerhet är allas ansvar/);
      const italian = await get('/policy', { 'accept-language': 'it' });
      assert.match(italian.body, /Questa politica non è pubblicata nella tua lingua/);
      assert.match(italian.body, /<div lang="en">/);
      const english = await get('/policy');
      assert.ok(!english.body.includes('Säkerhet är allas ansvar'));
    } finally {
      await syncPrograms(t.ctx.db, [program]);
    }
  });
});
