import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { postReporterReply } from '../../src/reports/report-actions.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { demo, makeStaff, moveReport, reportInput } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

/** A local receiver: records every request, answers with the next status of its script (then 204). */
async function startReceiver(): Promise<{ url: string; requests: { headers: IncomingHttpHeaders; body: string; path: string }[]; script: number[]; close(): Promise<void> }> {
  const requests: { headers: IncomingHttpHeaders; body: string; path: string }[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' });
      res.statusCode = script.shift() ?? 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, script, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function headersOf(r: { headers: IncomingHttpHeaders }): Record<string, string> {
  return { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) };
}

describe('outgoing webhooks: signed deliveries, retries, attempts, contents, authorization', () => {
  let t: TestApp;
  let worker: Worker;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: Client;
  let triager: Client;
  let adminId: string;
  let plain: { id: string; secret: string };
  let withContents: { id: string; secret: string };

  before(async () => {
    t = await startTestApp(undefined, { EMBARGO_INTEGRATIONS_ALLOW_PRIVATE: 'true' });
    worker = createWorker({ db: t.ctx.db, handlers: createJobHandlers(t.ctx), logger: t.ctx.logger });
    receiver = await startReceiver();
    const a = await makeStaff(t.ctx.db, 'admin', 'Ada Admin');
    adminId = a.id;
    admin = await Client.signedIn(t.app, a);
    triager = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager'));
  });
  after(async () => {
    await receiver?.close();
    await t?.close();
  });

  async function addWebhook(client: Client, fields: Record<string, string | string[]>) {
    const page = await client.get('/staff/webhooks');
    const program = await demo(t.ctx.db);
    const body = new URLSearchParams({ _csrf: Client.csrf(page.body), programId: program.id });
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    return t.app.inject({ method: 'POST', url: '/staff/webhooks', headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
  }

  const deliveries = (webhookId: string) => receiver.requests.filter((r) => r.path === `/${webhookId}`);

  it('admins add webhooks; the secret (whsec_) is shown once and stored sealed', async () => {
    for (const [path, contents] of [['plain', false], ['contents', true]] as const) {
      const res = await addWebhook(admin, { url: `${receiver.url}/${path}`, events: ['report.received', 'report.state-changed', 'report.reporter-message'], ...(contents ? { includeContents: 'yes' } : {}) });
      assert.equal(res.statusCode, 201, res.body);
      const secret = /whsec_[A-Za-z0-9+/=]+/.exec(res.body)?.[0];
      assert.ok(secret, 'the new secret is on the page');
      const row = await t.ctx.db.selectFrom('webhooks').select(['id', 'url', 'secret_sealed']).where('url', '=', `${receiver.url}/${path}`).executeTakeFirstOrThrow();
      assert.ok(!row.secret_sealed.toString('latin1').includes(secret.slice(6, 20)), 'not stored in clear');
      // The receiver tells the two apart by path; rename the path to the webhook id for the checks below.
      await t.ctx.db.updateTable('webhooks').set({ url: `${receiver.url}/${row.id}` }).where('id', '=', row.id).execute();
      if (contents) withContents = { id: row.id, secret };
      else plain = { id: row.id, secret };
    }
    const page = await admin.get('/staff/webhooks');
    assert.doesNotMatch(page.body, /whsec_/, 'the secret is not shown again');
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'webhook.created').execute();
    assert.equal(audit.length, 2);
  });

  it('a new report is delivered, signed as Standard Webhooks says, without contents unless chosen', async () => {
    const program = await demo(t.ctx.db);
    const report = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program, { title: 'Secret title of the report' }), files: [], channel: 'web' });
    await worker.drain();
    const [p] = deliveries(plain.id);
    const [c] = deliveries(withContents.id);
    assert.ok(p && c, 'both webhooks got it');
    const payload = new Webhook(plain.secret).verify(p.body, headersOf(p)) as { type: string; data: { report: Record<string, unknown>; program: { slug: string } } };
    assert.equal(payload.type, 'report.received');
    assert.equal(payload.data.report.reference, report.reference);
    assert.equal(payload.data.report.state, 'new');
    assert.equal(payload.data.program.slug, program.slug);
    assert.match(String((payload.data.report.links as Record<string, string>).staff), new RegExp(`/staff/reports/${report.reference}$`));
    assert.doesNotMatch(p.body, /Secret title/);
    const full = new Webhook(withContents.secret).verify(c.body, headersOf(c)) as { data: { report: { title: string } } };
    assert.equal(full.data.report.title, 'Secret title of the report');
    // A signature made with the other webhook's secret does not verify.
    assert.throws(() => new Webhook(withContents.secret).verify(p.body, headersOf(p)));
    assert.match(String(p.headers['webhook-signature']), /^v1,[A-Za-z0-9+/=]+$/);
    assert.match(String(p.headers['webhook-id']), /^msg_/);
  });

  it('retries after 500s with growing delays, then succeeds; every attempt is listed for admins', async () => {
    const program = await demo(t.ctx.db);
    const report = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program), files: [], channel: 'web' });
    await worker.drain();
    const before = deliveries(plain.id).length;
    // The next two POSTs (to whichever webhook comes first) fail; deliveries are ordered by the queue.
    await t.ctx.db.deleteFrom('webhooks').where('id', '=', withContents.id).execute();
    receiver.script.push(500, 500);
    await moveReport(t.ctx.db, t.ctx.vault, { reportId: report.id, to: 'acknowledged', actorId: adminId });
    const job = () => t.ctx.db.selectFrom('jobs').select(['id', 'state', 'attempts', 'run_at']).where('kind', '=', 'webhook-delivery').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      await worker.drain();
      const j = await job();
      assert.equal(j.state, 'pending', 'waits to be retried');
      delays.push(j.run_at.getTime() - Date.now());
      await t.ctx.db.updateTable('jobs').set({ run_at: new Date() }).where('id', '=', j.id).execute();
    }
    assert.ok(delays[1]! > delays[0]!, `backoff grows: ${delays.join(', ')} ms`);
    await worker.drain();
    assert.equal((await job()).state, 'done');
    const got = deliveries(plain.id).slice(before);
    assert.equal(got.length, 3);
    assert.equal(new Set(got.map((r) => r.headers['webhook-id'])).size, 1, 'the same message id on every attempt');
    const last = new Webhook(plain.secret).verify(got[2]!.body, headersOf(got[2]!)) as { type: string; data: { change: { to: string } } };
    assert.equal(last.type, 'report.state-changed');
    assert.equal(last.data.change.to, 'acknowledged');
    const attempts = await t.ctx.db.selectFrom('webhook_attempts as a').innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id').select(['a.status_code', 'a.error', 'a.duration_ms', 'd.state']).where('d.webhook_id', '=', plain.id).where('d.event', '=', 'report.state-changed').orderBy('a.attempted_at').execute();
    assert.deepEqual(attempts.map((a) => a.status_code), [500, 500, 204]);
    assert.equal(attempts[0]!.error, 'HTTP 500');
    assert.equal(attempts[2]!.state, 'delivered');
    const page = await admin.get('/staff/webhooks');
    assert.equal(page.statusCode, 200);
    assert.equal((page.body.match(/<td class="status-code">500<\/td>/g) ?? []).length, 2);
    assert.match(page.body, /HTTP 500/);
    assert.match(page.body, new RegExp(report.reference));
  });

  it("a reporter's message: event sent, its words only to a webhook that includes contents", async () => {
    const res = await addWebhook(admin, { url: `${receiver.url}/later`, events: 'report.reporter-message', includeContents: 'yes' });
    assert.equal(res.statusCode, 201);
    const secret = /whsec_[A-Za-z0-9+/=]+/.exec(res.body)![0];
    const row = await t.ctx.db.selectFrom('webhooks').select('id').where('url', '=', `${receiver.url}/later`).executeTakeFirstOrThrow();
    const program = await demo(t.ctx.db);
    const report = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program), files: [], channel: 'web' });
    await worker.drain();
    const plainBefore = deliveries(plain.id).length;
    await postReporterReply(t.ctx.db, t.ctx.vault, { reportId: report.id, body: 'Here is the private proof of concept', files: [] });
    await worker.drain();
    const mine = receiver.requests.filter((r) => r.path === '/later');
    assert.equal(mine.length, 1, 'only the reply: this webhook did not ask for new reports');
    const payload = new Webhook(secret).verify(mine[0]!.body, headersOf(mine[0]!)) as { type: string; data: { message: { body: string } } };
    assert.equal(payload.type, 'report.reporter-message');
    assert.equal(payload.data.message.body, 'Here is the private proof of concept');
    const other = deliveries(plain.id).slice(plainBefore).find((r) => r.body.includes('report.reporter-message'));
    assert.ok(other, 'the plain webhook hears of it too');
    assert.doesNotMatch(other.body, /private proof/);
    await t.ctx.db.deleteFrom('webhooks').where('id', '=', row.id).execute();
  });

  it('only admins see and change webhooks; forms need the CSRF token', async () => {
    assert.equal((await triager.get('/staff/webhooks')).statusCode, 403);
    const res = await addWebhook(triager, { url: `${receiver.url}/x`, events: 'report.received' });
    assert.ok([403, 404].includes(res.statusCode), `triager refused: ${res.statusCode}`);
    const noCsrf = await admin.postForm('/staff/webhooks', { url: `${receiver.url}/y`, events: 'report.received' });
    assert.equal(noCsrf.statusCode, 403);
    const del = await triager.postForm(`/staff/webhooks/${plain.id}/delete`, { _csrf: Client.csrf((await admin.get('/staff/webhooks')).body) });
    assert.ok([403, 404].includes(del.statusCode));
    assert.ok(await t.ctx.db.selectFrom('webhooks').select('id').where('id', '=', plain.id).executeTakeFirst(), 'still there');
    assert.equal((await t.ctx.db.selectFrom('webhooks').select('id').where('url', 'in', [`${receiver.url}/x`, `${receiver.url}/y`]).execute()).length, 0);
    const page = await admin.get('/staff/webhooks');
    assert.equal((await admin.postForm(`/staff/webhooks/${plain.id}/delete`, { _csrf: Client.csrf(page.body) })).statusCode, 303);
    assert.equal(await t.ctx.db.selectFrom('webhooks').select('id').where('id', '=', plain.id).executeTakeFirst(), undefined);
  });
});

describe('webhooks: no way into the private network (SSRF) unless the operator allows it', () => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: Client;
  before(async () => {
    t = await startTestApp();
    receiver = await startReceiver();
    admin = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'admin'));
  });
  after(async () => {
    await receiver?.close();
    await t?.close();
  });

  it('refuses http, loopback, private and link-local targets when saving', async () => {
    const program = await demo(t.ctx.db);
    for (const url of [receiver.url, 'https://127.0.0.1/hook', 'https://10.1.2.3/hook', 'https://169.254.169.254/latest', 'https://[::1]/hook', 'https://localhost/hook', 'https://192.168.1.1/']) {
      const page = await admin.get('/staff/webhooks');
      const res = await admin.postForm('/staff/webhooks', { _csrf: Client.csrf(page.body), programId: program.id, url, events: 'report.received' });
      assert.equal(res.statusCode, 422, url);
      assert.match(res.body, /https:\/\/|private|this machine/, url);
      assert.ok(res.body.includes(url.replace(/&/g, '&amp;')), 'what was typed is shown back');
    }
    assert.equal((await t.ctx.db.selectFrom('webhooks').select('id').execute()).length, 0);
  });

  it('refuses at delivery time too (a target saved earlier, or re-pointed)', async () => {
    const program = await demo(t.ctx.db);
    const { seal } = await import('../../src/mail/seal.ts');
    const row = await t.ctx.db.insertInto('webhooks').values({ program_id: program.id, url: `${receiver.url.replace('http:', 'https:')}/direct`, events: ['report.received'], secret_sealed: Buffer.alloc(0) }).returning('id').executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('webhooks').set({ secret_sealed: seal(t.ctx.secret, 'webhook-secret', row.id, Buffer.from('whsec_' + Buffer.alloc(32, 1).toString('base64'))) }).where('id', '=', row.id).execute();
    await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program), files: [], channel: 'web' });
    await createWorker({ db: t.ctx.db, handlers: createJobHandlers(t.ctx), logger: t.ctx.logger }).drain();
    assert.equal(receiver.requests.length, 0, 'nothing reached the private address');
    const attempt = await t.ctx.db.selectFrom('webhook_attempts').select(['status_code', 'error']).executeTakeFirstOrThrow();
    assert.equal(attempt.status_code, null);
    assert.match(attempt.error ?? '', /refused/);
  });
});
