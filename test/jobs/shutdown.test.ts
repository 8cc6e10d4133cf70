import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/db/database.ts';
import { freePort, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { rawMail, swaks } from '../mail/mail-helpers.ts';
import { waitFor } from './job-helpers.ts';
import { startSilentRelay } from './silent-relay.ts';

describe('SIGTERM on `embargo serve` with mail in hand: a quick exit, no job lost', () => {
  let relay: Awaited<ReturnType<typeof startSilentRelay>>;
  let proc: EmbargoProcess | undefined;
  before(async () => {
    relay = await startSilentRelay();
  });
  after(async () => {
    await proc?.stop(2000);
    proc?.removeFiles();
    await relay?.close();
  });

  it('finishes the acknowledgement in hand (its 2 s relay timeout), leaves the others queued, and exits 0', async (t) => {
    const smtpPort = await freePort();
    proc = await startEmbargo({ startTimeoutMs: 90_000, env: { EMBARGO_SMTP_LISTEN: `127.0.0.1:${smtpPort}`, EMBARGO_SMTP_URL: relay.url, EMBARGO_SMTP_TIMEOUT_SECONDS: '2', EMBARGO_MAIL_FROM: 'security@example.com' } });
    for (const n of [1, 2, 3]) {
      const raw = rawMail({ from: `r${n}@example.org`, subject: `Report ${n}: SQL injection in search`, body: 'The q parameter is concatenated into SQL.' });
      const sent = await swaks(['--server', `127.0.0.1:${smtpPort}`, '--from', `r${n}@example.org`, '--to', 'security@example.com', '--data', '-'], raw);
      assert.equal(sent.code, 0, sent.out);
    }
    // Three reports filed; the first acknowledgement is now waiting on a relay that never answers.
    await waitFor('the relay reached', () => relay.connections() >= 1, 20_000);
    const started = Date.now();
    const code = await proc.stop(20_000);
    const took = Date.now() - started;
    t.diagnostic(`shut down in ${took} ms`);
    assert.equal(code, 0, proc.stderr());
    // The old worker ran the whole backlog first (3 × 30 s here); the margin is for a loaded test machine.
    assert.ok(took < 10_000, `shut down in ${took} ms`);

    const { db, close } = await openDatabase({ kind: 'embedded', dataDir: proc.dataDir });
    try {
      const jobs = await db.selectFrom('jobs').select(['kind', 'state', 'attempts']).orderBy('id').execute();
      const filed = jobs.filter((j) => j.kind === 'process-inbound-mail');
      const acks = jobs.filter((j) => j.kind === 'mail-acknowledgement');
      // Filing may still have been under way when the first acknowledgement reached the relay: what was not filed waits.
      assert.equal(filed.length, 3, 'every received mail has its filing job');
      assert.ok(filed.every((j) => j.state === 'done' || j.state === 'pending'));
      assert.equal(acks.length, filed.filter((j) => j.state === 'done').length, 'every filed report still has its acknowledgement');
      assert.ok(!jobs.some((j) => j.state === 'running'), 'nothing left claimed (another worker would wait 5 minutes to take it over)');
      assert.ok(acks.every((j) => j.state === 'pending'), 'all still to be sent');
      assert.ok([...filed, ...acks].some((j) => j.state === 'pending' && j.attempts === 0), 'the backlog was not run during shutdown');
    } finally {
      await close();
    }
  });
});
