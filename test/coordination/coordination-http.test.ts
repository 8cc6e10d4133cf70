import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppContext } from '../../src/context.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { postReporterReply, postStaffMessage } from '../../src/reports/report-actions.ts';
import { proposeDisclosureDate } from '../../src/disclosure/propose-disclosure-date.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { redactUrl } from '../../src/web/redact.ts';
import { acknowledge, futureDate, makeReport, makeStaff } from '../helpers/factories.ts';

const PARTY_LINK = /\/party\/([A-Za-z0-9_-]{43})/;

/**
 * Multi-party coordination over HTTP (src/coordination/, docs/coordination.md):
 * a lead invites parties by mail through the outbox, each party's page shows
 * only what was shared with it, the party posts and answers, the disclosure
 * date waits for every engaged party, and revoking ends access at once.
 */
describe('multi-party coordination', () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let mailCtx: AppContext;
  let worker: Worker;
  let lead: Client;
  let triager: Client;
  let leadId: string;
  let report: { id: string; reference: string; trackingToken: string };
  let other: { id: string; reference: string; trackingToken: string };

  before(async () => {
    sink = await startSmtpSink();
    t = await startTestApp();
    mailCtx = { ...t.ctx, mailer: createMailer(sink.url, 'security@example.com') };
    worker = createWorker({ db: t.ctx.db, handlers: createJobHandlers(mailCtx), logger: t.ctx.logger });
    const l = await makeStaff(t.ctx.db, 'lead', 'Lena Lead');
    const tr = await makeStaff(t.ctx.db, 'triager', 'Tom Triager');
    leadId = l.id;
    lead = await Client.signedIn(t.app, l);
    triager = await Client.signedIn(t.app, tr);
    const r = await makeReport(t.ctx.db, { reporterName: 'Ada Lovelace' }, t.ctx.vault);
    const o = await makeReport(t.ctx.db, { title: 'Another report' }, t.ctx.vault);
    report = { id: r.id, reference: r.reference, trackingToken: r.trackingToken };
    other = { id: o.id, reference: o.reference, trackingToken: o.trackingToken };
    await acknowledge(t.ctx.db, t.ctx.vault, { reportId: report.id, actorId: leadId });
    await acknowledge(t.ctx.db, t.ctx.vault, { reportId: other.id, actorId: leadId });
  });
  after(async () => {
    mailCtx?.mailer?.close();
    await t?.close();
    await sink?.close();
  });

  const page = (c: Client, ref: string) => c.get(`/staff/reports/${ref}`);

  async function invite(c: Client, ref: string, fields: Record<string, string>) {
    const csrf = Client.csrf((await page(c, ref)).body);
    return c.postForm(`/staff/reports/${ref}/parties`, { _csrf: csrf, ...fields });
  }

  /** Invites a party as the lead, runs the outbox, returns the link token read from the mail. */
  async function invited(ref: string, name: string, email: string, role = 'vendor'): Promise<string> {
    const res = await invite(lead, ref, { partyName: name, partyEmail: email, partyRole: role });
    assert.equal(res.statusCode, 303, res.body.slice(0, 400));
    await worker.drain();
    const mail = sink.mails.filter((m) => m.to.includes(email)).at(-1);
    assert.ok(mail, `an invitation was mailed to ${email}`);
    const raw = mail.raw.replace(/=\r\n/g, '');
    const token = PARTY_LINK.exec(raw)?.[1];
    assert.ok(token, 'the invitation carries the private link');
    return token;
  }

  let vendorToken = '';
  let maintainerToken = '';
  let vendorId = '';

  it('a triager may not invite; a lead invites by e-mail through the outbox', async () => {
    const refused = await invite(triager, report.reference, { partyName: 'Nope Inc', partyEmail: 'nope@example.net', partyRole: 'vendor' });
    assert.equal(refused.statusCode, 403);
    assert.equal((await t.ctx.db.selectFrom('coordination_parties').select('id').execute()).length, 0);

    const bad = await invite(lead, report.reference, { partyName: 'Upstream <b>libfoo</b>', partyEmail: 'not an address', partyRole: 'maintainer' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Give an e-mail address/);
    assert.ok(bad.body.includes('value="Upstream &lt;b>libfoo&lt;/b>"'), 'what was typed comes back, escaped');

    vendorToken = await invited(report.reference, 'Acme <script>Vendor</script>', 'psirt@acme.example', 'vendor');
    maintainerToken = await invited(report.reference, 'libfoo maintainers', 'security@libfoo.example', 'maintainer');
    const mail = sink.mails.find((m) => m.to.includes('psirt@acme.example'))!;
    assert.ok(mail.raw.includes(report.reference), 'the invitation names the reference');
    assert.ok(!mail.raw.includes('Stored XSS'), 'but not the title (relays may read plain mail)');
    const rows = await t.ctx.db.selectFrom('coordination_parties').selectAll().orderBy('number').execute();
    assert.equal(rows.length, 2);
    vendorId = rows[0]!.id;
    assert.ok(!rows[0]!.token_hash.equals(Buffer.from(vendorToken)), 'only a hash is stored');
    assert.ok(!rows[0]!.contact_sealed.toString('latin1').includes('acme'), 'the contact is sealed');
    const job = await t.ctx.db.selectFrom('jobs').select('payload').where('kind', '=', 'party-mail').executeTakeFirstOrThrow();
    assert.ok(!('sealedToken' in (job.payload as object)), 'the token is scrubbed from the job once sent');
    const staffPage = (await page(lead, report.reference)).body;
    assert.match(staffPage, /Party 1 \(affected vendor\)/);
    assert.ok(staffPage.includes('Acme &lt;script>Vendor&lt;/script>'), 'names are escaped');
    assert.match(staffPage, /invited party 1 \(affected vendor\) into this report/, 'the timeline records the invitation');
  });

  it('a party sees only what is shared with it: no internal note, no unshared reply', async () => {
    await postStaffMessage(t.ctx.db, t.ctx.vault, { reportId: report.id, actorId: leadId, visibility: 'internal', body: 'INTERNAL: the fix is in commit abc, do not tell anyone.', files: [] });
    await postReporterReply(t.ctx.db, t.ctx.vault, { reportId: report.id, body: 'REPORTER-PRIVATE: my employer does not know I report this.', files: [] });
    await postReporterReply(t.ctx.db, t.ctx.vault, { reportId: report.id, body: 'REPORTER-SHARED: the bug also affects libfoo 2.x.', files: [] });
    const shared = await t.ctx.db.selectFrom('report_messages').select('id').where('report_id', '=', report.id).orderBy('created_at', 'desc').executeTakeFirstOrThrow();

    // The triager shares one thread message with the vendor, and writes to the maintainer only.
    let csrf = Client.csrf((await page(triager, report.reference)).body);
    const share = await triager.postForm(`/staff/reports/${report.reference}/parties/share`, { _csrf: csrf, threadMessage: shared.id, party: vendorId });
    assert.equal(share.statusCode, 303, share.body.slice(0, 300));
    const maintainerId = (await t.ctx.db.selectFrom('coordination_parties').select('id').where('number', '=', 2).executeTakeFirstOrThrow()).id;
    csrf = Client.csrf((await page(triager, report.reference)).body);
    const write = await triager.postForm(`/staff/reports/${report.reference}/parties/messages`, { _csrf: csrf, partyMessage: 'FOR-MAINTAINER: please check 2.x.', party: maintainerId });
    assert.equal(write.statusCode, 303);
    // Sharing while writing: the message box's "Also share with an invited party".
    const composer = (await page(triager, report.reference)).body;
    assert.match(composer, /Also share with an invited party/);
    const note = await triager.postMultipart(`/staff/reports/${report.reference}/messages`, { _csrf: Client.csrf(composer), visibility: 'internal', action: 'send', body: 'NOTE-SHARED-WHILE-WRITING: fix branch is ready for review.', shareWith: maintainerId });
    assert.equal(note.statusCode, 303, note.body.slice(0, 300));
    await worker.drain();
    assert.ok(sink.mails.some((m) => m.to.includes('psirt@acme.example') && m.raw.includes('shared something new')), 'the party is told by mail');

    const vendor = new Client(t.app);
    const vp = await vendor.get(`/party/${vendorToken}`);
    assert.equal(vp.statusCode, 200);
    assert.ok(vp.body.includes('REPORTER-SHARED'), 'the shared reply is there');
    assert.ok(!vp.body.includes('INTERNAL'), 'no internal note');
    assert.ok(!vp.body.includes('REPORTER-PRIVATE'), 'no unshared reply');
    assert.ok(!vp.body.includes('FOR-MAINTAINER'), 'not what was written to another party');
    assert.ok(!vp.body.includes('security@libfoo.example') && !vp.body.includes('ada@example.org'), 'no addresses');
    assert.ok(!/<script>/i.test(vp.body.replace(/<script[^>]*src=/gi, '')), 'nothing typed becomes a script');
    assert.match(String(vp.headers['content-security-policy']), /script-src/);

    const mp = await new Client(t.app).get(`/party/${maintainerToken}`);
    assert.ok(mp.body.includes('FOR-MAINTAINER'));
    assert.ok(mp.body.includes('NOTE-SHARED-WHILE-WRITING'), 'a note shared while writing reaches the party chosen');
    assert.ok(!vp.body.includes('NOTE-SHARED-WHILE-WRITING'), 'and only that party');
    assert.ok(!mp.body.includes('REPORTER-SHARED'));
    const timeline = (await page(lead, report.reference)).body;
    assert.match(timeline, /opened its page for the first time/);
    // The staff timeline says, in English, what was shared with whom (parties by number: their names are sealed).
    assert.match(timeline, /Tom Triager shared a message of the thread with party 1 \(affected vendor\)\./);
    assert.match(timeline, /Tom Triager shared a message with party 2 \(upstream maintainer\)\./);
  });

  it('the reporter is not named unless they allow it on their tracking page', async () => {
    const vendor = new Client(t.app);
    let vp = await vendor.get(`/party/${vendorToken}`);
    assert.ok(!vp.body.includes('Ada Lovelace'), 'not named by default');
    assert.match(vp.body, /The reporter chose not to be named/);

    const reporter = new Client(t.app);
    const track = await reporter.get(`/track/${report.trackingToken}`);
    assert.match(track.body, /May they know your name/);
    const res = await reporter.postForm(`/track/${report.trackingToken}/coordination-naming`, { _csrf: Client.csrf(track.body), named: 'yes' });
    assert.equal(res.statusCode, 303);
    vp = await vendor.get(`/party/${vendorToken}`);
    assert.match(vp.body, /Reported by Ada Lovelace/);
    assert.ok(vp.body.includes('The reporter (Ada Lovelace)'), 'shared messages name them too');
    assert.match((await page(lead, report.reference)).body, /The reporter agreed to be named to the invited parties\./);
    assert.match((await reporter.get(`/track/${report.trackingToken}`)).body, /You agreed to be named to the other parties\./);
    // Without a CSRF token the choice is refused.
    const forged = await new Client(t.app).postForm(`/track/${report.trackingToken}/coordination-naming`, { named: 'no' });
    assert.equal(forged.statusCode, 403);
  });

  it('a party posts, and sets its status and expected fix date', async () => {
    const vendor = new Client(t.app);
    let vp = await vendor.get(`/party/${vendorToken}`);
    const empty = await vendor.postForm(`/party/${vendorToken}/messages`, { _csrf: Client.csrf(vp.body), body: '   ' });
    assert.equal(empty.statusCode, 422);
    const post = await vendor.postForm(`/party/${vendorToken}/messages`, { _csrf: Client.csrf(empty.body), body: 'We are affected <img src=x onerror=alert(1)>; patch in progress.' });
    assert.equal(post.statusCode, 303);
    vp = await vendor.get(`/party/${vendorToken}`);
    assert.ok(vp.body.includes('We are affected &lt;img src=x onerror=alert(1)>'), 'its own post, escaped');
    const badDate = await vendor.postForm(`/party/${vendorToken}/status`, { _csrf: Client.csrf(vp.body), status: 'engaged', fixDate: 'next week' });
    assert.equal(badDate.statusCode, 422);
    assert.ok(badDate.body.includes('value="next week"'), 'what was typed comes back');
    const fix = futureDate(20);
    const ok = await vendor.postForm(`/party/${vendorToken}/status`, { _csrf: Client.csrf(badDate.body), status: 'engaged', fixDate: fix });
    assert.equal(ok.statusCode, 303);
    const staffPage = (await page(lead, report.reference)).body;
    assert.ok(staffPage.includes('We are affected &lt;img'), 'staff read the party’s post');
    assert.match(staffPage, new RegExp(`Party 1 \\(affected vendor\\) set its status: Engaged, fix expected ${fix}`));
    assert.match(staffPage, /Party 1 \(affected vendor\) wrote to the team/);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'target']).where('report_id', '=', report.id).where('target', '=', vendorId).execute();
    assert.ok(audit.some((a) => a.action === 'report.party-status-set'), 'the audit log has the party’s action');
    assert.ok(audit.some((a) => a.action === 'report.party-viewed'), 'and what it read');
  });

  it('the disclosure date waits for every engaged party, and the panel shows each answer', async () => {
    // The team proposes; the vendor (engaged) has not accepted: the reporter cannot agree yet.
    await proposeDisclosureDate(t.ctx.db, t.ctx.vault, { reportId: report.id, actor: { kind: 'staff', id: leadId }, moment: { date: futureDate(40), time: '10:00', timeZone: 'Europe/Amsterdam' }, message: '' });
    await worker.drain();
    for (const address of ['psirt@acme.example', 'security@libfoo.example']) {
      assert.ok(sink.mails.some((m) => m.to.includes(address) && m.raw.includes('A disclosure date to answer')), `${address} is asked to answer the new date`);
    }
    const reporter = new Client(t.app);
    let track = await reporter.get(`/track/${report.trackingToken}`);
    const seen = /name="seen" value="([^"]+)"/.exec(track.body)![1]!;
    const early = await reporter.postForm(`/track/${report.trackingToken}/disclosure-date/agree`, { _csrf: Client.csrf(track.body), seen });
    assert.equal(early.statusCode, 409);
    assert.match(early.body, /every engaged party must accept it first/);
    let staffPage = (await page(lead, report.reference)).body;
    assert.match(staffPage, /Invited parties’ answers/);
    assert.match(staffPage, /Party 1 \(affected vendor\), Acme &lt;script>Vendor&lt;\/script>: no answer yet/);
    assert.match(staffPage, /Party 2 \(upstream maintainer\), libfoo maintainers: no answer yet \(invited: not needed for agreement\)/);

    // The vendor proposes another date, then accepts the team's.
    const vendor = new Client(t.app);
    let vp = await vendor.get(`/party/${vendorToken}`);
    const propose = await vendor.postForm(`/party/${vendorToken}/disclosure`, { _csrf: Client.csrf(vp.body), action: 'propose', disclosureDate: futureDate(60), disclosureTime: '09:00', disclosureTimeZone: 'UTC', disclosureMessage: 'Our release train is monthly.' });
    assert.equal(propose.statusCode, 303, propose.body.slice(0, 300));
    staffPage = (await page(lead, report.reference)).body;
    assert.match(staffPage, /Party 1 \(affected vendor\), Acme &lt;script>Vendor&lt;\/script>: proposes /);
    vp = await vendor.get(`/party/${vendorToken}`);
    const vSeen = /name="seen" value="([^"]+)"/.exec(vp.body)![1]!;
    const accept = await vendor.postForm(`/party/${vendorToken}/disclosure`, { _csrf: Client.csrf(vp.body), action: 'accept', seen: vSeen });
    assert.equal(accept.statusCode, 303);
    staffPage = (await page(lead, report.reference)).body;
    assert.match(staffPage, /Acme &lt;script>Vendor&lt;\/script>: accepted this date/);
    // The timeline: each answer, in English, with the date answered.
    assert.match(staffPage, /Party 1 \(affected vendor\) proposed the disclosure date \d{4}-\d{2}-\d{2} 09:00 UTC\./);
    assert.match(staffPage, /Party 1 \(affected vendor\) accepted the disclosure date \d{4}-\d{2}-\d{2} \d{2}:00 UTC\./);

    track = await reporter.get(`/track/${report.trackingToken}`);
    const agreed = await reporter.postForm(`/track/${report.trackingToken}/disclosure-date/agree`, { _csrf: Client.csrf(track.body), seen });
    assert.equal(agreed.statusCode, 303, agreed.body.slice(0, 300));
    const row = await t.ctx.db.selectFrom('reports').select('disclosure_status').where('id', '=', report.id).executeTakeFirstOrThrow();
    assert.equal(row.disclosure_status, 'agreed');
  });

  it('another report’s token does not open this report, and a made-up one is not found', async () => {
    const trackingAsParty = await new Client(t.app).get(`/party/${other.trackingToken}`);
    assert.equal(trackingAsParty.statusCode, 404, 'a tracking token is not a party link');
    const otherToken = await invited(other.reference, 'Other Vendor', 'other@vendor.example');
    const op = await new Client(t.app).get(`/party/${otherToken}`);
    assert.equal(op.statusCode, 200);
    assert.ok(op.body.includes(other.reference) && !op.body.includes(report.reference), 'each link opens its own report only');
    assert.ok(!op.body.includes('REPORTER-SHARED'));
    assert.equal((await new Client(t.app).get(`/party/${'A'.repeat(43)}`)).statusCode, 404);
  });

  it('a triager may not revoke; a lead’s revocation ends access at once', async () => {
    const vendor = new Client(t.app);
    const vp = await vendor.get(`/party/${vendorToken}`);
    assert.equal(vp.statusCode, 200);
    let csrf = Client.csrf((await page(triager, report.reference)).body);
    const refused = await triager.postForm(`/staff/reports/${report.reference}/parties/${vendorId}/revoke`, { _csrf: csrf });
    assert.equal(refused.statusCode, 403);
    csrf = Client.csrf((await page(lead, report.reference)).body);
    const revoked = await lead.postForm(`/staff/reports/${report.reference}/parties/${vendorId}/revoke`, { _csrf: csrf });
    assert.equal(revoked.statusCode, 303);
    assert.equal((await vendor.get(`/party/${vendorToken}`)).statusCode, 410);
    // A form loaded before the revocation is refused too, and nothing is stored.
    const late = await vendor.postForm(`/party/${vendorToken}/messages`, { _csrf: Client.csrf(vp.body), body: 'Still here?' });
    assert.equal(late.statusCode, 410);
    const posts = await t.ctx.db.selectFrom('coordination_messages').select('id').where('party_id', '=', vendorId).execute();
    assert.equal(posts.length, 2, 'the two earlier posts (a message and the proposal), not the late one');
    assert.match((await page(lead, report.reference)).body, /revoked party 1 \(affected vendor\): its link no longer works/);
  });

  it('never logs a party’s link token, nor its address', async () => {
    const log = t.logText();
    assert.equal(redactUrl(`/party/${vendorToken}/messages?x=1`), '/party/[redacted]/messages?[query]', 'request lines blank the token');
    for (const secret of [vendorToken, maintainerToken, 'psirt@acme.example', 'security@libfoo.example']) assert.ok(!log.includes(secret), 'not in the log');
  });
});
