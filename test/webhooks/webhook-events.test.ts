import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { draftAdvisoryFromReport, loadStaffAdvisory, publishAdvisory } from '../../src/advisories/advisory-store.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { runHousekeeping } from '../../src/jobs/housekeeping.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { runSlaSweep } from '../../src/sla-reminders/sla-sweep.ts';
import { isPrivateAddress } from '../../src/webhooks/outbound-target.ts';
import { createWebhook } from '../../src/webhooks/manage-webhooks.ts';
import { signWebhook } from '../../src/webhooks/webhook-signature.ts';
import { demo, makeStaff, reportInput } from '../helpers/factories.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';
import type { KyselyPlugin } from 'kysely';

describe('webhook signatures and addresses (pure)', () => {
  it('signs exactly as the reference library does', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const at = new Date('2026-12-02T12:00:00Z');
    const body = '{"type":"report.received","data":{"ref":"é"}}';
    const ours = signWebhook(secret, 'msg_1', at, body);
    assert.equal(ours['webhook-signature'], new Webhook(secret).sign('msg_1', at, body));
    assert.equal(ours['webhook-timestamp'], String(at.getTime() / 1000));
  });

  it('knows private, loopback, link-local and reserved addresses, v4, v6 and mapped', () => {
    for (const a of ['127.0.0.1', '10.2.3.4', '172.20.0.1', '192.168.0.10', '169.254.169.254', '100.64.1.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
      assert.equal(isPrivateAddress(a), true, a);
    }
    for (const a of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(isPrivateAddress(a), false, a);
  });
});

describe('webhooks: SLA breaches (once per clock and deadline) and published advisories', () => {
  let t: TestApp;
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = 200;
      res.end('ok');
    });
  });
  let secret: string;
  before(async () => {
    t = await startTestApp(undefined, { EMBARGO_INTEGRATIONS_ALLOW_PRIVATE: 'true' });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const program = await demo(t.ctx.db);
    const admin = await makeStaff(t.ctx.db, 'admin');
    const actor = { kind: 'staff' as const, userId: admin.id, email: admin.email, displayName: 'A', roles: new Map([[program.id, 'admin' as const]]) };
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    secret = (await createWebhook(t.ctx.db, t.ctx.secret, { actor, input: { programId: program.id, url, events: ['report.sla-breach', 'advisory.published'], includeContents: false }, allowPrivate: true })).secret;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t?.close();
  });
  const drain = () => createWorker({ db: t.ctx.db, handlers: createJobHandlers(t.ctx), logger: t.ctx.logger }).drain();
  const received = () => got.map((g) => new Webhook(secret).verify(g.body, { 'webhook-id': String(g.headers['webhook-id']), 'webhook-timestamp': String(g.headers['webhook-timestamp']), 'webhook-signature': String(g.headers['webhook-signature']) }) as { type: string; data: Record<string, Record<string, unknown>> });

  it('a missed deadline is sent once, however often the sweep sees it; a new report is not sent (not chosen)', async () => {
    const program = await demo(t.ctx.db);
    const report = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program), files: [], channel: 'web' });
    await drain();
    assert.equal(got.length, 0, 'report.received was not chosen');
    const late = new Date(Date.now() + 60 * 24 * 3600_000);
    await runSlaSweep(t.ctx.db, late);
    await runSlaSweep(t.ctx.db, new Date(late.getTime() + 3600_000));
    await drain();
    const breaches = received().filter((p) => p.type === 'report.sla-breach');
    assert.ok(breaches.length >= 1, 'the breach was sent');
    const keys = breaches.map((b) => `${b.data.sla!.clock}|${b.data.sla!.dueAt}`);
    assert.equal(new Set(keys).size, keys.length, `once per clock and deadline: ${keys.join(', ')}`);
    assert.equal(breaches[0]!.data.report!.reference, report.reference);
  });

  it('an advisory publication is sent with its public id and link', async () => {
    const program = await demo(t.ctx.db);
    const lead = await makeStaff(t.ctx.db, 'lead');
    const report = await submitReport(t.ctx.db, t.ctx.vault, { program, input: reportInput(program), files: [], channel: 'web' });
    const { id } = await draftAdvisoryFromReport(t.ctx.db, t.ctx.vault, { reportReference: report.reference, actorId: lead.id });
    const draft = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!;
    const { publicId } = await publishAdvisory(t.ctx.db, t.ctx.vault, { id, actorId: lead.id, content: { ...draft.content, summary: 'Update.' }, revisionSummary: '', baseUrl: t.ctx.config.baseUrl });
    await drain();
    const published = received().filter((p) => p.type === 'advisory.published');
    assert.equal(published.length, 1);
    assert.equal(published[0]!.data.advisory!.id, publicId);
    assert.match(String((published[0]!.data.advisory!.links as Record<string, string>).public), new RegExp(`/advisories/${publicId}$`));
  });

  it('housekeeping forgets finished deliveries and their attempts after the job retention, never pending ones', async () => {
    const rows = await t.ctx.db.selectFrom('webhook_deliveries').select(['id', 'state']).execute();
    assert.ok(rows.some((r) => r.state === 'delivered'));
    await t.ctx.db.updateTable('webhook_deliveries').set({ occurred_at: new Date(Date.now() - 40 * 24 * 3600_000) } as never).execute();
    const pending = rows.find((r) => r.state === 'delivered')!;
    await t.ctx.db.updateTable('webhook_deliveries').set({ state: 'pending' }).where('id', '=', pending.id).execute();
    const result = await runHousekeeping(t.ctx.db, { finishedJobsDays: 30, onError: (err) => assert.fail(String(err)) });
    assert.equal(result.webhookDeliveries, rows.length - 1);
    assert.deepEqual((await t.ctx.db.selectFrom('webhook_deliveries').select('id').execute()).map((r) => r.id), [pending.id]);
    const orphans = await t.ctx.db.selectFrom('webhook_attempts').select('delivery_id').where('delivery_id', '!=', pending.id).execute();
    assert.equal(orphans.length, 0, 'their attempts went with them');
  });

  it('a submission queues its deliveries in the statement that writes its event: no extra round trip', async () => {
    const program = await demo(t.ctx.db);
    const count = async () => {
      const kinds: string[] = [];
      const plugin: KyselyPlugin = { transformQuery: (args) => (kinds.push(args.node.kind), args.node), transformResult: async (args) => args.result };
      await submitReport(t.ctx.db.withPlugin(plugin), t.ctx.vault, { program, input: reportInput(program, { reporterEmail: undefined }), files: [], channel: 'web' });
      return kinds.length;
    };
    const without = await count();
    await t.ctx.db.updateTable('webhooks').set({ events: ['report.received'] }).execute();
    const jobsBefore = (await t.ctx.db.selectFrom('jobs').select('id').where('kind', '=', 'webhook-delivery').execute()).length;
    const withWebhook = await count();
    assert.equal(withWebhook, without, 'as many statements with a webhook as without');
    assert.equal((await t.ctx.db.selectFrom('jobs').select('id').where('kind', '=', 'webhook-delivery').execute()).length, jobsBefore + 1, 'and its delivery is queued');
  });
});
