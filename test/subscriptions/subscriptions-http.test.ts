import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AdvisoryContent } from '../../src/advisories/advisory-content.ts';
import { draftAdvisoryFromReport, loadStaffAdvisory, publishAdvisory } from '../../src/advisories/advisory-store.ts';
import type { AppContext } from '../../src/context.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { dumpDatabase, leakedMarkers } from '../helpers/db-dump.ts';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { acknowledgeWithEvaluation } from '../../src/triage/acknowledge-with-evaluation.ts';
import { setTeamSeverity } from '../../src/triage/set-team-severity.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startSmtpSink, type CapturedMail } from '../helpers/smtp-sink.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureProgramKeys } from '../../src/keys/ensure-program-keys.ts';
import { Gpg } from '../keys/gpg-helper.ts';
import { forgetCachedPrograms } from '../../src/programs/programs.ts';

/** Addresses that occur nowhere else: a hit in the dump or the log can only be a leak. */
const ADDR = {
  cloud: 'quillon-cloud@example.org',
  gateway: 'brantle-gateway@example.org',
  all: 'vostrum-all@example.org',
  pending: 'yelmark-pending@example.org',
};

const parse = (m: CapturedMail) => simpleParser(m.raw);
/** A header as sent (unfolded); mailparser groups the List-* headers into one object. */
const header = (m: CapturedMail, name: string) =>
  m.raw.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ').split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();
const link = (text: string, path: string) => new RegExp(`https?://[^\\s/]+(${path}/[A-Za-z0-9_-]{43})`).exec(text)?.[1];

for (const kind of await databaseKinds()) {
  describe(`customer subscriptions over HTTP (${kind})`, () => {
    let t: TestApp;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let mailCtx: AppContext;
    let worker: Worker;
    let lead: { id: string; email: string; password: string };
    let visitor: Client;
    /** Mails the sink got since the last call. */
    let seen = 0;
    /** Mails to subscribers since the last call (the reporter is told of the advisory too, by their own mail). */
    const newMails = () => {
      const out = sink.mails.slice(seen);
      seen = sink.mails.length;
      return out.filter((m) => header(m, 'List-Unsubscribe') !== undefined);
    };
    const mailsTo = (mails: CapturedMail[], address: string) => mails.filter((m) => m.to.includes(address));

    async function subscribe(client: Client, fields: Record<string, string | string[]>) {
      const csrf = Client.csrf((await client.get('/subscribe')).body);
      const body = new URLSearchParams({ _csrf: csrf });
      for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
      return t.app.inject({
        method: 'POST',
        url: '/subscribe',
        headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      });
    }

    /** Subscribes and confirms through the links of the mail, as a person without JavaScript would. */
    async function subscribeAndConfirm(address: string, fields: Record<string, string | string[]>): Promise<{ unsubscribePath: string }> {
      const c = new Client(t.app);
      assert.equal((await subscribe(c, { email: address, ...fields })).statusCode, 303);
      await worker.drain();
      const [mail] = mailsTo(newMails(), address);
      assert.ok(mail, `a confirmation mail to ${address}`);
      const parsed = await parse(mail);
      const confirmPath = link(parsed.text ?? '', '/subscribe/confirm')!;
      const page = await c.get(confirmPath);
      assert.equal(page.statusCode, 200);
      assert.equal((await c.postForm(confirmPath, { _csrf: Client.csrf(page.body) })).statusCode, 200);
      return { unsubscribePath: link(parsed.text ?? '', '/unsubscribe')! };
    }

    async function publishFor(productId: string, title: string, revisionOf?: string): Promise<string> {
      let id = revisionOf;
      if (!id) {
        const report = await makeReport(t.ctx.db, { product: productId, title }, t.ctx.vault);
        id = (await draftAdvisoryFromReport(t.ctx.db, t.ctx.vault, { reportReference: report.reference, actorId: lead.id })).id;
      }
      const draft = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!;
      const content: AdvisoryContent = {
        ...draft.content,
        title,
        summary: `Summary of ${title}: update now.`,
        products: draft.content.products.map((p) => ({ ...p, introduced: '4.0', fixed: revisionOf ? '4.2.3' : null })),
      };
      await publishAdvisory(t.ctx.db, t.ctx.vault, { id, actorId: lead.id, content, revisionSummary: revisionOf ? 'Fixed version released' : '', baseUrl: t.ctx.config.baseUrl });
      return id;
    }

    before(async () => {
      sink = await startSmtpSink();
      t = await startTestApp(kind);
      mailCtx = { ...t.ctx, mailer: createMailer(sink.url, 'security@example.com') };
      worker = createWorker({ db: t.ctx.db, handlers: createJobHandlers(mailCtx), logger: t.ctx.logger });
      lead = await makeStaff(t.ctx.db, 'lead');
      visitor = new Client(t.app);
    });
    after(async () => {
      mailCtx?.mailer?.close();
      await sink?.close();
      await t?.close();
    });

    it('double opt-in without JavaScript: a one-time confirmation link by mail, confirmed by a button, never by the GET', async () => {
      const form = await visitor.get('/subscribe');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /name="_csrf"/);
      assert.match(form.body, /<input type="checkbox" name="products" value="example-cloud"/);
      assert.match(form.body, /<input type="checkbox" name="allProducts" value="yes"/);
      assert.ok(!form.body.includes('<script'), 'no script needed');

      const res = await subscribe(visitor, { email: ADDR.cloud, products: 'example-cloud' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/subscribe/sent');
      assert.equal((await visitor.get('/subscribe/sent')).statusCode, 200);
      await worker.drain();
      const mails = newMails();
      assert.equal(mails.length, 1);
      const parsed = await parse(mails[0]!);
      assert.deepEqual(mails[0]!.to, [ADDR.cloud]);
      assert.equal(parsed.subject, 'Confirm your subscription to Example Corp security advisories');
      assert.match(parsed.text ?? '', /for: Example Cloud\./);
      const confirmPath = link(parsed.text ?? '', '/subscribe/confirm')!;
      const unsubscribePath = link(parsed.text ?? '', '/unsubscribe')!;
      assert.ok(confirmPath && unsubscribePath);
      assert.equal(header(mails[0]!, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
      assert.match(header(mails[0]!, 'List-Unsubscribe')!, new RegExp(`^<http://localhost:\\d+${unsubscribePath}>$`));

      const page = await visitor.get(confirmPath);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Confirm your subscription/);
      const row = await t.ctx.db.selectFrom('subscribers').select(['confirmed_at']).executeTakeFirstOrThrow();
      assert.equal(row.confirmed_at, null, 'opening the link (a mail scanner does) changes nothing');

      const done = await visitor.postForm(confirmPath, { _csrf: Client.csrf(page.body) });
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /You are subscribed/);
      const again = await visitor.postForm(confirmPath, { _csrf: Client.csrf(page.body) });
      assert.equal(again.statusCode, 404, 'the link works once');
      assert.match(again.body, /not valid/);
      const forged = await new Client(t.app).postForm(confirmPath, {});
      assert.equal(forged.statusCode, 403, 'confirming is a form with a CSRF token');
    });

    it('answers an address that is already subscribed exactly like a new one, and mails its owner about the subscription', async () => {
      const known = await subscribe(new Client(t.app), { email: ADDR.cloud.toUpperCase(), allProducts: 'yes' });
      const unknown = await subscribe(new Client(t.app), { email: 'someone-new@example.org', products: 'example-cloud' });
      assert.equal(known.statusCode, unknown.statusCode);
      assert.equal(known.headers.location, unknown.headers.location);
      await worker.drain();
      const mails = newMails();
      const manage = await parse(mailsTo(mails, ADDR.cloud.toUpperCase()).concat(mailsTo(mails, ADDR.cloud))[0]!);
      assert.equal(manage.subject, 'Your subscription to Example Corp security advisories');
      assert.match(manage.text ?? '', /already subscribed[\s\S]*for: Example Cloud\.[\s\S]*change this to: all Example Corp products/);
      assert.equal((await parse(mailsTo(mails, 'someone-new@example.org')[0]!)).subject, 'Confirm your subscription to Example Corp security advisories');
      assert.equal(await t.ctx.db.selectFrom('subscribers').select('id').execute().then((r) => r.length), 2, 'one row per address, whatever its case');
      const still = await t.ctx.db.selectFrom('subscribers').select(['all_products', 'products']).where('confirmed_at', 'is not', null).executeTakeFirstOrThrow();
      assert.deepEqual(still, { all_products: false, products: ['example-cloud'] }, 'the change waits for its owner to confirm');
    });

    it('tells exactly the confirmed subscribers of the affected products, once each, with the link and one-click headers', async () => {
      await subscribeAndConfirm(ADDR.gateway, { products: 'example-gateway' });
      await subscribeAndConfirm(ADDR.all, { allProducts: 'yes' });
      assert.equal((await subscribe(new Client(t.app), { email: ADDR.pending, products: 'example-cloud' })).statusCode, 303);
      await worker.drain();
      newMails(); // the pending subscriber's confirmation, never confirmed

      const id = await publishFor('example-cloud', 'Heap overflow in the cloud thumbnailer');
      const publicId = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!.publicId;
      await worker.drain();
      const mails = newMails();
      assert.deepEqual(mails.map((m) => m.to[0]).sort(), [ADDR.all, ADDR.cloud].sort(), 'cloud and all-products subscribers, one mail each');
      for (const m of mails) {
        const parsed: ParsedMail = await parse(m);
        assert.equal(parsed.subject, `[${publicId}] Security advisory: Heap overflow in the cloud thumbnailer`);
        assert.match(parsed.text ?? '', new RegExp(`/advisories/${publicId}\\b`));
        assert.match(parsed.text ?? '', /- Example Cloud: affected 4\.0 and later; no fixed version yet/);
        assert.match(parsed.text ?? '', /Summary of Heap overflow in the cloud thumbnailer: update now\./);
        assert.equal(header(m, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
        assert.match(header(m, 'List-Unsubscribe')!, /^<https?:\/\/[^>]+\/unsubscribe\/[A-Za-z0-9_-]{43}>$/);
        assert.equal(header(m, 'List-Unsubscribe'), `<${/https?:\/\/\S+\/unsubscribe\/\S+/.exec(parsed.text ?? '')![0]}>`, 'the same link as in the text');
        assert.equal(parsed.headers.get('auto-submitted'), 'auto-generated');
      }
      const deliveries = await t.ctx.db.selectFrom('subscriber_mail_deliveries').select(['template', 'result', 'revision']).where('template', '=', 'advisory-notice').execute();
      assert.deepEqual(deliveries.map((d) => [d.result, d.revision]), [['sent', 1], ['sent', 1]], 'every attempt recorded');
    });

    it('re-running the fan-out and the sends mails nobody twice; a temporary refusal is retried for that recipient only', async () => {
      // A crashed worker's jobs are taken over and run again: nothing new goes out.
      await t.ctx.db.updateTable('jobs').set({ state: 'pending', run_at: new Date(0) }).where('kind', 'in', ['notify-subscribers', 'mail-subscriber']).execute();
      await worker.drain();
      assert.equal(newMails().length, 0);

      const first = await t.ctx.db.selectFrom('advisories').select('id').where('state', '=', 'published').executeTakeFirstOrThrow();
      sink.failNext(1);
      await publishFor('example-cloud', 'Heap overflow in the cloud thumbnailer', first.id);
      await worker.drain();
      assert.equal(newMails().length, 1, 'one recipient refused for now');
      const waiting = await t.ctx.db.selectFrom('jobs').select(['id', 'state', 'last_error']).where('kind', '=', 'mail-subscriber').where('state', '=', 'pending').execute();
      assert.equal(waiting.length, 1);
      assert.ok(!waiting[0]!.last_error?.includes('@'), 'the job error names no address');
      await t.ctx.db.updateTable('jobs').set({ run_at: new Date(0) }).where('id', '=', waiting[0]!.id).execute();
      await worker.drain();
      const retried = newMails();
      assert.equal(retried.length, 1);
      const parsed = await parse(retried[0]!);
      assert.match(parsed.subject ?? '', /Updated security advisory \(revision 2\)/);
      assert.match(parsed.text ?? '', /revision 2: Fixed version released/);
      const attempts = await t.ctx.db.selectFrom('subscriber_mail_deliveries').select(['result', 'attempt']).where('revision', '=', 2).orderBy('id').execute();
      assert.deepEqual(attempts.map((a) => a.result).sort(), ['failed', 'sent', 'sent']);
    });

    it('one-click unsubscribe: the GET only asks, a POST without cookies or token unsubscribes, and the next advisory skips them', async () => {
      const { unsubscribePath: cloudOut } = await subscribeAndConfirm('zantrel-oneclick@example.org', { products: 'example-cloud' });
      const page = await new Client(t.app).get(cloudOut);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`<form method="post" action="${cloudOut}"`));
      assert.ok(await t.ctx.db.selectFrom('subscribers').select('id').where(sql<boolean>`products @> '{example-cloud}'`).where('confirmed_at', 'is not', null).execute().then((r) => r.length === 2), 'the GET unsubscribed nobody');

      const oneClick = await t.app.inject({ method: 'POST', url: cloudOut, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      assert.equal(oneClick.statusCode, 200);
      assert.match(oneClick.body, /Unsubscribed/);
      const twice = await t.app.inject({ method: 'POST', url: cloudOut, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      assert.equal(twice.statusCode, 200, 'mail clients may retry');
      assert.equal((await new Client(t.app).get(cloudOut)).statusCode, 404);
      assert.equal((await t.app.inject({ method: 'POST', url: '/unsubscribe/not-a-token' })).statusCode, 200);

      // The first cloud subscriber leaves through a multipart one-click POST (RFC 8058 allows either encoding).
      const cloudMail = sink.mails.find((m) => m.to.includes(ADDR.cloud))!;
      const cloudLink = link((await parse(cloudMail)).text ?? '', '/unsubscribe')!;
      const form = new FormData();
      form.append('List-Unsubscribe', 'One-Click');
      const encoded = new Response(form);
      const multipart = await t.app.inject({ method: 'POST', url: cloudLink, headers: { 'content-type': encoded.headers.get('content-type')! }, payload: Buffer.from(await encoded.arrayBuffer()) });
      assert.equal(multipart.statusCode, 200);

      await publishFor('example-cloud', 'Second cloud problem');
      await worker.drain();
      assert.deepEqual(newMails().map((m) => m.to[0]), [ADDR.all], 'only the all-products subscriber is left for the cloud');
    });

    it('refuses hostile input with a clear message and keeps what was typed; nothing is stored or sent', async () => {
      const before = await t.ctx.db.selectFrom('subscribers').select('id').execute();
      const injection = await subscribe(new Client(t.app), { email: 'a@b.c\r\nBcc: x@y.z', products: 'example-gateway' });
      assert.equal(injection.statusCode, 422);
      assert.match(injection.body, /An e-mail address is one line: line breaks and control characters are not allowed\./);
      assert.match(injection.body, /<input type="checkbox" name="products" value="example-gateway" checked/, 'the choice is kept');
      assert.match(injection.body, /value="a@b\.c(\r\n|&#13;&#10;|\n)?Bcc: x@y\.z"|value="a@b\.c[^"]*Bcc: x@y\.z"/, 'the address is shown again');
      const long = await subscribe(new Client(t.app), { email: `${'a'.repeat(5000)}@example.org`, allProducts: 'yes' });
      assert.equal(long.statusCode, 422);
      assert.match(long.body, /An e-mail address has at most 254 characters\./);
      const none = await subscribe(new Client(t.app), { email: 'fine@example.org' });
      assert.equal(none.statusCode, 422);
      assert.match(none.body, /Choose at least one product, or all products\./);
      const foreign = await subscribe(new Client(t.app), { email: 'fine@example.org', products: '<script>x</script>' });
      assert.equal(foreign.statusCode, 422);
      assert.ok(!foreign.body.includes('<script>x'), 'escaped');
      assert.equal((await t.ctx.db.selectFrom('subscribers').select('id').execute()).length, before.length);
      await worker.drain();
      assert.equal(newMails().length, 0);
      const noCsrf = await t.app.inject({ method: 'POST', url: '/subscribe', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=x%40example.org&allProducts=yes' });
      assert.equal(noCsrf.statusCode, 403);
    });

    it("the report page recommends an early customer notice when the program's rule says so, until an advisory exists", async () => {
      await sql`UPDATE programs SET config = config || '{"earlyCustomerNotice": {"fixExpectedBeyondHours": 72, "minSeverity": "high"}}'::jsonb`.execute(t.ctx.db);
      // Written behind the app's back, as another process would: the app would see it within two seconds
      // (src/programs/programs.ts); forget now rather than wait.
      forgetCachedPrograms();
      const far = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
      const make = async (vector: string) => {
        const r = await makeReport(t.ctx.db, { product: 'example-gateway' }, t.ctx.vault);
        await setTeamSeverity(t.ctx.db, { reportId: r.id, actorId: lead.id, vector });
        await acknowledgeWithEvaluation(t.ctx.db, t.ctx.vault, { reportId: r.id, actorId: lead.id, evaluation: 'Valid.', expectedResolutionDate: far });
        return r.reference;
      };
      const critical = await make('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
      const medium = await make('CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N');
      const c = await Client.signedIn(t.app, lead);
      const page = await c.get(`/staff/reports/${critical}`);
      assert.match(page.body, new RegExp(`Early customer notice recommended: severity critical \\(at least high\\) and the fix is expected by ${far}`));
      assert.match(page.body, /<button type="submit">Draft an advisory<\/button>/);
      assert.ok(!(await c.get(`/staff/reports/${medium}`)).body.includes('Early customer notice'), 'below the severity');
      await c.postForm(`/staff/reports/${critical}/advisory`, { _csrf: Client.csrf(page.body) });
      assert.ok(!(await c.get(`/staff/reports/${critical}`)).body.includes('Early customer notice'), 'the draft exists');
      await worker.drain();
      newMails();
    });

    it('staff: leads and admins see counts and addresses and remove a subscriber; triagers do not find the page', async () => {
      const triager = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager'));
      assert.equal((await triager.get('/staff/subscribers')).statusCode, 404);
      assert.ok(!(await triager.get('/staff/reports')).body.includes('href="/staff/subscribers"'), 'not in their navigation');

      const c = await Client.signedIn(t.app, lead);
      const page = await c.get('/staff/subscribers');
      assert.equal(page.statusCode, 200);
      assert.equal(page.headers['cache-control'], 'no-store');
      assert.match(page.body, /href="\/staff\/subscribers" aria-current="page"/);
      assert.ok(page.body.includes(ADDR.gateway) && page.body.includes(ADDR.all));
      assert.ok(!page.body.includes(ADDR.pending), 'unconfirmed addresses are not listed');
      // Cloud: the all-products subscriber only (both cloud subscribers left); gateway: its own plus all.
      assert.match(page.body, /<td>Example Cloud<\/td><td>1<\/td>/);
      assert.match(page.body, /<td>Example Gateway<\/td><td>2<\/td>/);
      const gatewayId = (await t.ctx.db.selectFrom('subscribers').select('id').where(sql<boolean>`products @> '{example-gateway}'`).executeTakeFirstOrThrow()).id;
      assert.equal((await triager.postForm(`/staff/subscribers/${gatewayId}/remove`, { _csrf: Client.csrf((await triager.get('/staff/reports')).body) })).statusCode, 404);
      const removed = await c.postForm(`/staff/subscribers/${gatewayId}/remove`, { _csrf: Client.csrf(page.body) });
      assert.equal(removed.statusCode, 303);
      const after = await c.get('/staff/subscribers?done=removed');
      assert.match(after.body, /Subscriber removed/);
      assert.ok(!after.body.includes(ADDR.gateway));
    });

    it('limits requests per address (silently: the same page, no more mail) and per client address', async () => {
      const address = 'plovern-flood@example.org';
      const sent: CapturedMail[] = [];
      for (let i = 0; i < 5; i++) {
        assert.equal((await subscribe(new Client(t.app), { email: address, allProducts: 'yes' })).statusCode, 303, 'the same answer over the limit');
        await worker.drain();
        sent.push(...mailsTo(newMails(), address));
      }
      assert.equal(sent.length, 3, 'at most three mails an hour to one address');
      const lastLink = link((await parse(sent[2]!)).text ?? '', '/subscribe/confirm')!;
      assert.equal((await new Client(t.app).get(lastLink)).statusCode, 200, 'requests over the limit do not spoil the last link sent');
      assert.equal((await new Client(t.app).get(link((await parse(sent[1]!)).text ?? '', '/subscribe/confirm')!)).statusCode, 404, 'a newer request replaced the older link');
      // Everything above came from one client address; keep going until its limit answers.
      let status = 0;
      for (let i = 0; i < 25 && status !== 429; i++) status = (await subscribe(new Client(t.app), { email: `n${i}-flood@example.org`, allProducts: 'yes' })).statusCode;
      assert.equal(status, 429);
      const keys = (await t.ctx.db.selectFrom('rate_limits').select('key').where('key', 'like', 'subscribe:%').execute()).map((r) => r.key).join(' ');
      assert.ok(!keys.includes('@') && !keys.includes('127.0.0.1'), 'rate-limit keys are keyed hashes');
    });

    it('keeps no address or confirmation link in the database or the log', async () => {
      await worker.drain();
      const dump = await dumpDatabase(t.ctx.db);
      assert.ok(dump.includes('subscribers:'), 'the dump does hold the subscribers table');
      assert.deepEqual(leakedMarkers(dump, { ...ADDR, flood: 'plovern-flood', oneclick: 'zantrel-oneclick' }), []);
      const tokens = (await Promise.all(sink.mails.map(async (m) => link((await parse(m)).text ?? '', '/subscribe/confirm')))).filter((x): x is string => Boolean(x)).map((p) => p.split('/').pop()!);
      assert.ok(tokens.length > 5);
      assert.deepEqual(tokens.filter((tok) => dump.includes(tok)), [], 'confirmation tokens are scrubbed from job payloads');
      const log = t.logText();
      assert.deepEqual(leakedMarkers(log, ADDR), []);
      assert.deepEqual(tokens.filter((tok) => log.includes(tok)), []);
    });

    it('advisory mail is signed with the program key (PGP/MIME), and GnuPG verifies it with the published key', async () => {
      await ensureProgramKeys(t.ctx.db, t.ctx.secret, ['example'], t.ctx.logger);
      // The subscribers of the earlier tests who are still confirmed (more sign-ups would be rate-limited).
      newMails();
      await publishFor('example-cloud', 'Signed notice of a cloud flaw');
      await worker.drain();
      const mail = newMails()[0] ?? assert.fail('no advisory mail');
      assert.match(header(mail, 'Content-Type')!, /^multipart\/signed; micalg=pgp-sha\d+; protocol="application\/pgp-signature"/);
      const boundary = /boundary="?([^";]+)"?/.exec(header(mail, 'Content-Type')!)![1]!;
      const parts = mail.raw.split(`\r\n--${boundary}`);
      const signed = parts[1]!.replace(/^\r\n/, '');
      const signature = /-----BEGIN PGP SIGNATURE-----[\s\S]+?-----END PGP SIGNATURE-----/.exec(parts[2]!)![0];
      assert.match((await parse(mail)).text ?? '', /Signed notice of a cloud flaw/, 'readers see the text');
      const gpg = new Gpg();
      try {
        await gpg.ok(['--import'], (await t.app.inject('/pgp-key.txt')).body);
        const dir = mkdtempSync(path.join(tmpdir(), 'embargo-sub-signed-'));
        writeFileSync(path.join(dir, 'part'), Buffer.from(signed, 'latin1'));
        writeFileSync(path.join(dir, 'part.asc'), signature);
        const verified = await gpg.run(['--verify', path.join(dir, 'part.asc'), path.join(dir, 'part')]);
        assert.equal(verified.code, 0, verified.stderr);
        assert.match(verified.stderr, /Good signature/);
      } finally {
        gpg.close();
      }
    });
  });
}
