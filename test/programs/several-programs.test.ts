import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { draftAdvisoryFromReport, loadStaffAdvisory, publishAdvisory } from '../../src/advisories/advisory-store.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { ensureProgramKeys } from '../../src/keys/ensure-program-keys.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { createCannedResponse } from '../../src/canned/canned-responses.ts';
import { loadProgram, type Program } from '../../src/programs/programs.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { createApp } from '../../src/web/app.ts';
import { makeApiToken, apiClient } from '../api/api-helpers.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { moveReport, reportInput } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

/** The two examples at once (examples/several-programs.json): nordlys is the default program. */
const CONFIG = 'examples/several-programs.json';
const INSTANCE = 'https://psirt.example.net';
const NORDLYS = 'security.nordlys.example';
const VIGILA = 'security.vigila.example';
const TRACK = /\/track\/([A-Za-z0-9_-]{43})/;
const YEAR = new Date().getUTCFullYear();

/** A mail's text: quoted-printable soft breaks joined and escapes decoded, so links read whole. */
const mailText = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\r\n/g, '\n');

const get = (t: TestApp, url: string, host: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers: { host, ...headers } });

for (const kind of await databaseKinds()) {
  describe(`several programs on one instance, each on its own host name (${kind})`, () => {
    let t: TestApp;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let worker: Worker;
    let nordlys: Program;
    let vigila: Program;
    const people = { both: '', triagerA: '', triagerB: '', adminB: '' };
    const emails = { both: '', triagerA: '', triagerB: '', adminB: '' };
    const password = 'correct horse battery staple';
    let nordReport: { id: string; reference: string };
    let vigReport: { id: string; reference: string };
    let vigDraftId: string;
    let vigOpen: { id: string; reference: string };

    const staff = async (name: keyof typeof people, role: 'admin' | 'triager', programs: Program[]) => {
      emails[name] = `${name.toLowerCase()}-${kind}@psirt.example.net`;
      people[name] = (await createStaffUser(t.ctx.db, { email: emails[name], displayName: `Person ${name}`, password, role }, programs.map((p) => p.id))).id;
    };
    const signedIn = (name: keyof typeof people) => Client.signedIn(t.app, { email: emails[name], password });
    const fixed = async (program: Program, title: string) => {
      const r = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program, { title, product: program.config.products[0]!.id }), files: [], channel: 'web' });
      for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: r.id, to, actorId: people.both });
      return r;
    };
    const publish = async (report: { id: string; reference: string }) => {
      const { id } = await draftAdvisoryFromReport(t.ctx.db, t.ctx.vault, { reportReference: report.reference, actorId: people.both });
      const draft = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!;
      return publishAdvisory(t.ctx.db, t.ctx.vault, { id, actorId: people.both, content: { ...draft.content, summary: 'Update.' }, revisionSummary: '', baseUrl: t.ctx.config.baseUrl });
    };

    before(async () => {
      t = await startTestApp(kind, { EMBARGO_CONFIG: CONFIG, EMBARGO_BASE_URL: INSTANCE, EMBARGO_MAIL_FROM: 'psirt@example.net' });
      await ensureProgramKeys(t.ctx.db, t.ctx.secret, ['nordlys', 'vigila'], t.ctx.logger);
      nordlys = (await loadProgram(t.ctx.db, { slug: 'nordlys' }))!;
      vigila = (await loadProgram(t.ctx.db, { slug: 'vigila' }))!;
      sink = await startSmtpSink();
      const mailer = createMailer(sink.url, 'psirt@example.net');
      worker = createWorker({ db: t.ctx.db, handlers: createJobHandlers({ ...t.ctx, mailer }), logger: t.ctx.logger });
      await staff('both', 'admin', [nordlys, vigila]);
      await staff('triagerA', 'triager', [nordlys]);
      await staff('triagerB', 'triager', [vigila]);
      await staff('adminB', 'admin', [vigila]);
      nordReport = await fixed(nordlys, 'Nordlys firewall bypass');
      vigReport = await fixed(vigila, 'Vigila scoring bypass');
      await publish(nordReport);
      await publish(vigReport);
      const vigSecret = await submitReport(t.ctx.db, t.ctx.vault, { program: vigila, input: reportInput(vigila, { title: 'Vigila-only secret in the scoring API', product: vigila.config.products[0]!.id }), files: [], channel: 'web' });
      vigOpen = vigSecret;
      vigDraftId = (await draftAdvisoryFromReport(t.ctx.db, t.ctx.vault, { reportReference: vigSecret.reference, actorId: people.both })).id;
      await worker.drain();
      sink.mails.length = 0;
    });
    after(async () => {
      await sink?.close();
      await t?.close();
    });

    it('answers public pages for the program of the host, and any other host with the default program', async () => {
      for (const [host, vendor, other] of [
        [VIGILA, 'Vigila', 'Nordlys'],
        [NORDLYS, 'Nordlys', 'Vigila'],
        ['psirt.example.net', 'Nordlys', 'Vigila'],
        ['unknown.example', 'Nordlys', 'Vigila'],
      ] as const) {
        for (const path of ['/', '/policy', '/thanks', '/report', '/subscribe', '/advisories', '/track/recover']) {
          const res = await get(t, path, host);
          assert.equal(res.statusCode, 200, `${host}${path}`);
          assert.match(res.body, new RegExp(`<title>[^<]*${vendor}`), `${host}${path} is ${vendor}'s`);
          assert.doesNotMatch(res.body, new RegExp(other), `${host}${path} says nothing of ${other}`);
        }
      }
      // Upper case, a port, a trailing dot: the same host.
      assert.match((await get(t, '/', 'Security.Vigila.Example.:443')).body, /<title>[^<]*Vigila/);
      // The form offers the host's products only.
      assert.match((await get(t, '/report', VIGILA)).body, new RegExp(`value="${vigila.config.products[0]!.id}"`));
    });

    it("serves each host its own security.txt and key, every URL on the program's own host", async () => {
      const vig = (await get(t, '/.well-known/security.txt', VIGILA)).body;
      const nord = (await get(t, '/.well-known/security.txt', 'unknown.example')).body;
      assert.match(vig, /^Contact: mailto:security@vigila\.example$/m);
      for (const line of ['Canonical: https://security.vigila.example/.well-known/security.txt', 'Encryption: https://security.vigila.example/pgp-key.txt', 'Policy: https://security.vigila.example/policy', 'CSAF: https://security.vigila.example/.well-known/csaf/provider-metadata.json', 'Contact: https://security.vigila.example/report']) {
        assert.ok(vig.includes(line), line);
      }
      assert.doesNotMatch(vig, /nordlys|psirt\.example\.net/);
      assert.match(nord, /^Canonical: https:\/\/security\.nordlys\.example\/\.well-known\/security\.txt$/m, 'the default program on any other host, still with its own URLs');
      assert.match(nord, /^Contact: mailto:security@nordlys\.example$/m);
      assert.equal((await get(t, '/security.txt', VIGILA)).body.includes('mailto:security@vigila.example'), true);
      const keyV = (await get(t, '/pgp-key.txt', VIGILA)).body;
      const keyN = (await get(t, '/pgp-key.txt', NORDLYS)).body;
      assert.match(keyV, /BEGIN PGP PUBLIC KEY BLOCK/);
      assert.notEqual(keyV, keyN, 'each program has its own key');
    });

    it('trusts X-Forwarded-Host only behind a trusted proxy (EMBARGO_TRUST_PROXY)', async () => {
      const spoofed = await get(t, '/.well-known/security.txt', NORDLYS, { 'x-forwarded-host': VIGILA });
      assert.match(spoofed.body, /mailto:security@nordlys\.example/, 'a client cannot choose the program by a header');
      // The same instance behind a proxy it trusts (EMBARGO_TRUST_PROXY=true), on the same database.
      const behindProxy = await createApp({ ...t.ctx, config: { ...t.ctx.config, http: { ...t.ctx.config.http, trustProxy: true } } });
      try {
        const forwarded = await behindProxy.inject({ url: '/.well-known/security.txt', headers: { host: '127.0.0.1:3000', 'x-forwarded-host': VIGILA, 'x-forwarded-proto': 'https' } });
        assert.match(forwarded.body, /mailto:security@vigila\.example/, 'the proxy says which host the visitor asked for');
        const direct = await behindProxy.inject({ url: '/.well-known/security.txt', headers: { host: VIGILA } });
        assert.match(direct.body, /mailto:security@vigila\.example/, 'without the header, the Host header');
      } finally {
        await behindProxy.close();
      }
    });

    it('files a report sent on a host in its program; its tracking page and mail links are on that host', async () => {
      const reporter = new Client(t.app, VIGILA);
      const form = (await reporter.get('/report')).body;
      const fields = {
        _csrf: Client.csrf(form),
        title: 'Scores can be replayed',
        product: vigila.config.products[0]!.id,
        productVersion: '1.0',
        vulnerabilityType: 'other',
        description: 'A scoring response can be replayed for another transaction, so a fraudulent payment passes as scored.',
        stepsToReproduce: '1. Capture a score\n2. Replay it',
        impact: 'Fraud checks can be bypassed.',
        reporterEmail: 'grace@example.org',
        creditPreference: 'anonymous',
        acceptPolicy: 'yes',
        policyVersion: String(vigila.policy.version),
      };
      const wrongProduct = await reporter.postMultipart('/report', { ...fields, _csrf: Client.csrf((await reporter.get('/report')).body), product: nordlys.config.products[0]!.id });
      assert.equal(wrongProduct.statusCode, 422, "another program's product is not in this form");
      const sent = await reporter.postMultipart('/report', { ...fields, _csrf: Client.csrf((await reporter.get('/report')).body) });
      assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
      const token = TRACK.exec(String(sent.headers.location))![1]!;
      const row = await t.ctx.db.selectFrom('reports').select(['reference', 'program_id']).orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
      assert.equal(row.program_id, vigila.id);
      assert.match(row.reference, /^VIG-/);

      const page = await reporter.get(`/track/${token}?submitted=1`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<title>[^<]*Vigila/);
      assert.ok(page.body.includes(`https://security.vigila.example/track/${token}`), 'the link to keep is on the program’s host');
      for (const host of [NORDLYS, 'psirt.example.net']) {
        const moved = await get(t, `/track/${token}?submitted=1`, host);
        assert.equal(moved.statusCode, 302, host);
        assert.equal(moved.headers.location, `https://security.vigila.example/track/${token}?submitted=1`);
      }

      await worker.drain();
      const toReporter = sink.mails.filter((m) => m.to.includes('grace@example.org')).map((m) => mailText(m.raw));
      assert.equal(toReporter.length, 1, 'the receipt');
      assert.ok(toReporter[0]!.includes('https://security.vigila.example/track/recover'), toReporter[0]);
      assert.ok(toReporter[0]!.includes('https://security.vigila.example/policy'));
      assert.doesNotMatch(toReporter[0]!, /psirt\.example\.net\/(track|policy)|nordlys/);
      // The team hears of it: the program's triager, with a link to the staff pages on the instance's URL; not the other program's.
      const toTeamB = sink.mails.filter((m) => m.to.includes(emails.triagerB)).map((m) => mailText(m.raw));
      assert.ok(toTeamB.some((m) => m.includes(`${INSTANCE}/staff/reports/${row.reference}`)), 'the triager of the program is told');
      assert.ok(!sink.mails.some((m) => m.to.includes(emails.triagerA)), 'the triager of the other program hears nothing');
    });

    it("publishes advisories and every feed per program, with URLs on the program's host", async () => {
      const nordId = `NORD-SA-${YEAR}-0001`;
      const vigId = `VIG-SA-${YEAR}-0001`;
      const list = (await get(t, '/advisories', VIGILA)).body;
      assert.ok(list.includes(vigId) && !list.includes(nordId));
      assert.equal((await get(t, `/advisories/${nordId}`, VIGILA)).statusCode, 404, "another program's advisory is not on this host");
      for (const suffix of ['.json', '.osv.json']) assert.equal((await get(t, `/advisories/${nordId}${suffix}`, VIGILA)).statusCode, 404);
      assert.equal((await get(t, `/advisories/${nordId}`, 'unknown.example')).statusCode, 200, 'the default program on any other host');

      const csaf = JSON.parse((await get(t, `/advisories/${vigId}.json`, VIGILA)).body);
      assert.match(JSON.stringify(csaf.document.references), /https:\/\/security\.vigila\.example\/advisories\/VIG-SA/);
      assert.equal(csaf.document.publisher.namespace, 'https://security.vigila.example');
      const osv = JSON.parse((await get(t, `/advisories/${vigId}.osv.json`, VIGILA)).body);
      assert.ok(JSON.stringify(osv).includes('https://security.vigila.example/advisories/'));

      const metadata = JSON.parse((await get(t, '/.well-known/csaf/provider-metadata.json', VIGILA)).body);
      assert.equal(metadata.canonical_url, 'https://security.vigila.example/.well-known/csaf/provider-metadata.json');
      assert.equal(metadata.publisher.namespace, 'https://security.vigila.example');
      assert.ok(JSON.stringify(metadata).includes('https://security.vigila.example/pgp-key.txt'));
      assert.doesNotMatch(JSON.stringify(metadata), /nordlys|psirt\.example\.net/);

      const rolie = (await get(t, '/.well-known/csaf/feed-tlp-white.json', VIGILA)).body;
      assert.ok(rolie.includes(vigId.toLowerCase()) && !rolie.toLowerCase().includes(nordId.toLowerCase()), rolie.slice(0, 500));
      assert.doesNotMatch(rolie, /nordlys|psirt\.example\.net/);
      const index = (await get(t, '/.well-known/csaf/white/index.txt', VIGILA)).body;
      assert.equal(index.trim(), `${YEAR}/${vigId.toLowerCase()}.json`);
      assert.ok(!(await get(t, '/.well-known/csaf/white/changes.csv', VIGILA)).body.includes('nord-sa'));
      assert.equal((await get(t, `/.well-known/csaf/white/${YEAR}/${nordId.toLowerCase()}.json`, VIGILA)).statusCode, 404);
      assert.equal((await get(t, `/.well-known/csaf/white/${YEAR}/${vigId.toLowerCase()}.json.asc`, VIGILA)).statusCode, 200);
      const atom = (await get(t, '/advisories/feed.atom', VIGILA)).body;
      assert.ok(atom.includes('https://security.vigila.example/advisories/feed.atom') && atom.includes(vigId) && !atom.includes(nordId));
      assert.doesNotMatch(atom, /psirt\.example\.net/);
    });

    it('subscribes on a host to its program, with the mail links on that host', async () => {
      const customer = new Client(t.app, VIGILA);
      const csrf = Client.csrf((await customer.get('/subscribe')).body);
      const refused = await customer.postForm('/subscribe', { _csrf: csrf, email: 'ops@customer.example', products: nordlys.config.products[0]!.id });
      assert.equal(refused.statusCode, 422, "another program's product");
      const done = await customer.postForm('/subscribe', { _csrf: csrf, email: 'ops@customer.example', products: vigila.config.products[0]!.id });
      assert.equal(done.statusCode, 303);
      const subscribers = await t.ctx.db.selectFrom('subscribers').select('program_id').execute();
      assert.deepEqual(subscribers.map((s) => s.program_id), [vigila.id]);
      await worker.drain();
      const mail = sink.mails.filter((m) => m.to.includes('ops@customer.example')).map((m) => mailText(m.raw));
      assert.equal(mail.length, 1);
      assert.match(mail[0]!, /https:\/\/security\.vigila\.example\/subscribe\/confirm\/\S+/);
      assert.match(mail[0]!, /https:\/\/security\.vigila\.example\/unsubscribe\/\S+/);
      assert.doesNotMatch(mail[0]!, /psirt\.example\.net|nordlys/i);
    });

    it("invites a coordination party with a link on the program's host", async () => {
      const admin = await signedIn('both');
      const csrf = Client.csrf((await admin.get(`/staff/reports/${vigOpen.reference}`)).body);
      const res = await admin.postForm(`/staff/reports/${vigOpen.reference}/parties`, { _csrf: csrf, partyName: 'Upstream', partyEmail: 'psirt@upstream.example', partyRole: 'vendor' });
      assert.equal(res.statusCode, 303, `${res.statusCode} ${(/class="(?:notice error|field-error)[^>]*>[^<]*/.exec(res.body) ?? [''])[0]}`);
      await worker.drain();
      const mail = sink.mails.filter((m) => m.to.includes('psirt@upstream.example')).map((m) => mailText(m.raw));
      assert.equal(mail.length, 1);
      assert.match(mail[0]!, /https:\/\/security\.vigila\.example\/party\/\S+/);
    });

    it("keeps an API token to its program: it cannot read or write the other's reports", async () => {
      const { token } = await makeApiToken(t.ctx.db, undefined, { programId: nordlys.id });
      const api = apiClient(t, token);
      const created = await api.post('/api/v1/reports', {
        title: 'Firewall rule bypass via IPv6',
        product: nordlys.config.products[0]!.id,
        productVersion: '1',
        vulnerabilityType: 'other',
        description: 'IPv6 fragments bypass the rule set entirely on the default configuration.',
        stepsToReproduce: '1. Send fragments',
        impact: 'Traffic passes the firewall.',
        creditPreference: 'anonymous',
        acceptPolicy: 'yes',
      });
      assert.equal(created.status, 201, created.body);
      assert.match(created.json.reference, /^NORD-/);
      assert.match(created.json.trackingUrl, /^https:\/\/security\.nordlys\.example\/track\//);
      assert.equal((await api.get(`/api/v1/reports/${vigReport.reference}`)).status, 404);
      assert.equal((await api.post(`/api/v1/reports/${vigReport.reference}/messages`, { body: 'hello', visibility: 'internal' })).status, 404);
      assert.equal((await api.get(`/api/v1/reports/${nordReport.reference}`)).status, 200);
      const listed = await api.get('/api/v1/reports');
      assert.equal(listed.status, 200);
      assert.doesNotMatch(listed.body, /VIG-/);
    });

    it("shows a triager of one program nothing of the other: inbox, search, due, metrics, exports, advisories", async () => {
      const a = await signedIn('triagerA');
      const inbox = (await a.get('/staff/reports?state=all')).body;
      assert.ok(inbox.includes(nordReport.reference));
      assert.doesNotMatch(inbox, /VIG-|Vigila|Person triagerB/, 'no report, program or staff name of the other program');
      for (const q of [vigReport.reference, 'Vigila', 'scoring']) {
        const found = (await a.get(`/staff/reports?q=${encodeURIComponent(q)}&state=all`)).body;
        assert.doesNotMatch(found, /href="\/staff\/reports\/VIG-/, q);
        assert.match(found, /No reports match/, q);
      }
      assert.doesNotMatch((await a.get('/staff/reports/due')).body, /VIG-/);
      assert.doesNotMatch((await a.get('/staff/reports/quarantine')).body, /VIG-/);
      for (const url of [`/staff/reports/${vigReport.reference}`, `/staff/reports/${vigReport.reference}/ticket.md`, `/staff/advisories/${vigDraftId}`]) {
        assert.equal((await a.get(url)).statusCode, 404, url);
      }
      assert.equal((await a.get(`/staff/reports/${nordReport.reference}/ticket.md`)).statusCode, 200);
      const advisories = (await a.get('/staff/advisories')).body;
      assert.ok(advisories.includes('NORD-SA'));
      assert.doesNotMatch(advisories, /VIG-|Vigila/);
      // Metrics count its own program's reports only (two Nordlys reports; four Vigila ones are left out).
      const csv = (await a.get('/staff/metrics.csv')).body;
      const received = csv
        .split('\r\n')
        .filter((l) => l.startsWith('"received_by_channel"'))
        .reduce((n, l) => n + Number(JSON.parse(`[${l}]`)[3]), 0);
      const own = await t.ctx.db.selectFrom('reports').select('id').where('program_id', '=', nordlys.id).execute();
      assert.equal(received, own.length);
      assert.doesNotMatch((await a.get('/staff/metrics')).body, /Vigila/);
      assert.notEqual((await a.get('/staff/audit/export.csv')).statusCode, 200, 'the audit log is for administrators');

      // And the other way round: the default program's staff and products are not in the inbox filters of the other's triager.
      const b = await signedIn('triagerB');
      const inboxB = (await b.get('/staff/reports?state=all')).body;
      assert.ok(inboxB.includes(vigReport.reference));
      assert.doesNotMatch(inboxB, /NORD-|Nordlys|Person triagerA/, 'no report, product or staff name of the default program');
      assert.match(inboxB, new RegExp(`value="${vigila.config.products[0]!.id}"`), 'its own products to filter by');
    });

    it("shows an admin of one program the audit log of its own reports only (and the instance's entries that name no report)", async () => {
      const b = await signedIn('adminB');
      const page = await b.get('/staff/audit');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(vigReport.reference), 'its own program\'s reports');
      assert.doesNotMatch(page.body, /NORD-/, 'no report of the other program');
      for (const format of ['csv', 'jsonl']) {
        const exported = await b.get(`/staff/audit/export.${format}`);
        assert.equal(exported.statusCode, 200);
        assert.ok(exported.body.includes(vigReport.reference), format);
        assert.doesNotMatch(exported.body, /NORD-/, format);
        assert.ok(!exported.body.includes(nordReport.id), `${format}: not even the other program's report ids`);
      }
      // The admin of both programs sees both.
      const both = (await (await signedIn('both')).get('/staff/audit')).body;
      assert.ok(both.includes(nordReport.reference) && both.includes(vigReport.reference));
    });

    it("works on one program at a time on the staff pages about one program, as the member's roles allow", async () => {
      const admin = await signedIn('both');
      const editor = await admin.get('/staff/policy?program=vigila');
      assert.equal(editor.statusCode, 200);
      assert.match(editor.body, /name="program" value="vigila"/);
      assert.match(editor.body, /href="\/staff\/policy\?program=nordlys"/, 'a switcher to the other program');
      assert.ok(editor.body.includes(vigila.policy.sections.introduction.slice(0, 40).replace(/'/g, '&#39;')) || editor.body.includes('Vigila'));
      const sections = Object.fromEntries(Object.entries(vigila.policy.sections).map(([k, v]) => [k, v]));
      const published = await admin.postForm('/staff/policy', { _csrf: Client.csrf(editor.body), program: 'vigila', ...sections, introduction: `${vigila.policy.sections.introduction} Edited for Vigila.`, action: 'publish', note: 'test' });
      assert.equal(published.statusCode, 303, published.body.slice(0, 500));
      assert.equal(published.headers.location, 'https://security.vigila.example/policy/history');
      assert.equal((await loadProgram(t.ctx.db, { slug: 'vigila' }))!.policy.version, vigila.policy.version + 1);
      assert.equal((await loadProgram(t.ctx.db, { slug: 'nordlys' }))!.policy.version, nordlys.policy.version, 'the other program’s policy is untouched');
      assert.match((await get(t, '/policy', VIGILA)).body, /Edited for Vigila/);
      assert.doesNotMatch((await get(t, '/policy', NORDLYS)).body, /Edited for Vigila/);

      // Canned responses: an admin of both writes Vigila's; a triager of Nordlys cannot reach them by asking.
      const canned = await admin.get('/staff/canned-responses?program=vigila');
      const saved = await admin.postForm('/staff/canned-responses', { _csrf: Client.csrf(canned.body), program: 'vigila', title: 'Vigila thanks template', body: 'Thank you.', closureReason: '' });
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
      const stored = await t.ctx.db.selectFrom('canned_responses').select(['program_id', 'title']).execute();
      assert.deepEqual(stored.map((r) => [r.program_id, r.title]), [[vigila.id, 'Vigila thanks template']]);
      await createCannedResponse(t.ctx.db, { programId: nordlys.id, actorId: people.both, form: { title: 'Nordlys template', body: 'Hi.', closureReason: null } });
      const a = await signedIn('triagerA');
      for (const url of ['/staff/canned-responses', '/staff/canned-responses?program=vigila']) {
        const page = (await a.get(url)).body;
        assert.ok(page.includes('Nordlys template'), url);
        assert.doesNotMatch(page, /Vigila thanks template/, url);
      }
      assert.notEqual((await a.get('/staff/policy?program=vigila')).statusCode, 200, 'a triager edits no policy');
    });
  });
}
