import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../src/config.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { enqueueJob } from '../../src/jobs/queue.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { assignReport } from '../../src/reports/report-actions.ts';
import { makeReport, makeStaff, testSecret, testVault } from '../helpers/factories.ts';

for (const kind of await databaseKinds()) {
  describe(`a team mail the relay refuses: the stored error names no address (${kind})`, () => {
    let t: TestDatabase;
    let relay: SMTPServer;
    let url: string;
    const rejected: string[] = [];
    before(async () => {
      t = await freshDatabase(kind);
      // Refuses every recipient, quoting it, as Postfix does.
      relay = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onRcptTo(address, _session, callback) {
          rejected.push(address.address);
          const err = new Error(`<${address.address}>: Recipient address rejected: mailbox full`) as Error & { responseCode: number };
          err.responseCode = 452;
          callback(err);
        },
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      url = `smtp://127.0.0.1:${(relay.server.address() as { port: number }).port}`;
    });
    after(async () => {
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      await t.close();
    });

    it('the digest to a staff member fails and waits for a retry, and jobs.last_error has [address] where the relay quoted it', async () => {
      const lead = await makeStaff(t.db, 'lead');
      const staff = await makeStaff(t.db, 'triager');
      const report = await makeReport(t.db, {}, testVault);
      await assignReport(t.db, { reportId: report.id, assigneeId: staff.id, actorId: lead.id });
      const mailer = createMailer(url, 'embargo@example.com');
      const ctx = { config: loadConfig({}), db: t.db, logger: pino({ level: 'silent' }), mailer, defaultProgramSlug: 'example', secret: testSecret, vault: testVault };
      const worker = createWorker({ db: t.db, logger: ctx.logger, handlers: createJobHandlers(ctx) });
      await enqueueJob(t.db, 'sla-mail', { kind: 'digest', userId: staff.id, day: '2026-12-02' });
      await worker.drain();
      mailer?.close();
      assert.ok(rejected.includes(staff.email), 'the digest reached the relay');
      const job = await t.db.selectFrom('jobs').select(['state', 'last_error']).where('kind', '=', 'sla-mail').executeTakeFirstOrThrow();
      assert.equal(job.state, 'pending');
      assert.match(job.last_error ?? '', /<\[address\]>: Recipient address rejected/);
      assert.ok(!job.last_error!.includes(staff.email));
    });
  });
}
