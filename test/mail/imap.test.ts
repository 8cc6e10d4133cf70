import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { loadConfig } from '../../src/config.ts';
import { acquireLease, IMPORTED_KEYWORD, pollImapOnce, startImapPoller } from '../../src/mail-intake/imap-poller.ts';
import { loadProgramAddresses, type ProgramAddress } from '../../src/mail-intake/recipients.ts';
import { storeInboundMail } from '../../src/mail-intake/store-inbound.ts';
import { openTitle } from '../../src/reports/report-contents.ts';
import { freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { requirePeer } from '../helpers/peers.ts';
import { startDovecot, type Dovecot } from './dovecot.ts';
import { mailContext, rawMail, type MailTestContext } from './mail-helpers.ts';

// .ci/run installs dovecot-imapd; a missing Dovecot fails the run unless EMBARGO_TEST_SKIP=dovecot.
const available = await requirePeer('dovecot');

describe('IMAP poller against a real Dovecot', { skip: !available }, () => {
  let dovecot: Dovecot;
  let t: TestDatabase;
  let m: MailTestContext;
  let programs: ProgramAddress[];
  let client: ImapFlow;

  before(async () => {
    dovecot = await startDovecot();
    t = await freshDatabase('pglite');
    m = await mailContext(t.db);
    programs = await loadProgramAddresses(t.db, ['example']);
    client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await client.connect();
  });
  after(async () => {
    await client?.logout().catch(() => undefined);
    m?.close();
    await t?.close();
    await dovecot?.stop();
  });

  const imapConfig = (processed: string, mailbox = 'INBOX') =>
    loadConfig({ EMBARGO_IMAP_URL: dovecot.url(mailbox), EMBARGO_IMAP_PROCESSED: processed, EMBARGO_IMAP_POLL_SECONDS: '1' }).mail.intake.imap!;
  const append = (subject: string, mailbox = 'INBOX') =>
    client.append(mailbox, rawMail({ from: `${subject.replace(/\W/g, '').toLowerCase()}@example.org`, subject, body: `${subject}: the body of an IMAP report.` }), []);
  const reports = async () =>
    (await t.db.selectFrom('reports').select(['id', 'data_key', 'title_sealed']).orderBy('created_at').execute()).map((r) => openTitle(m.ctx.vault, r));
  async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('turns new mail into reports once, across a worker restart, flagging what it imported', async () => {
    await append('IMAP first report');
    await append('IMAP second report');
    let poller = startImapPoller(m.ctx, imapConfig('flag'), programs);
    await until(async () => (await m.worker.drain(), (await reports()).length === 2), 'two reports');
    await poller.close(); // the worker stops (a deploy, a crash)

    // A crash after storing but before flagging: the message is in the database yet unflagged in the mailbox.
    const third = rawMail({ from: 'third@example.org', subject: 'IMAP third report', messageId: 'third@example.org', body: 'Stored just before the crash, long enough.' });
    await client.append('INBOX', third, []);
    await storeInboundMail(t.db, m.ctx.secret, { programId: programs[0]!.programId, raw: third, source: 'imap', envelopeTo: [] });
    await m.worker.drain();

    poller = startImapPoller(m.ctx, imapConfig('flag'), programs); // the restarted worker
    await until(async () => {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const unmarked = await client.search({ unKeyword: IMPORTED_KEYWORD }, { uid: true });
        return Array.isArray(unmarked) && unmarked.length === 0;
      } finally {
        lock.release();
      }
    }, 'every message flagged');
    await poller.close();
    await m.worker.drain();
    assert.deepEqual(await reports(), ['IMAP first report', 'IMAP second report', 'IMAP third report']);

    const lock = await client.getMailboxLock('INBOX');
    try {
      const all = await client.fetchAll('1:*', { flags: true, uid: true });
      assert.equal(all.length, 3, 'flag mode leaves the mail where it is');
      for (const msg of all) assert.ok(msg.flags?.has('\\Seen') && msg.flags.has(IMPORTED_KEYWORD));
    } finally {
      lock.release();
    }
    const again = await pollImapOnce(m.ctx, imapConfig('flag'), programs);
    assert.deepEqual(again, { stored: 0, duplicates: 0 });
    const sources = await t.db.selectFrom('inbound_mails').select('source').execute();
    assert.ok(sources.every((s) => s.source === 'imap'));
  });

  it('moves imported mail to the configured folder', async () => {
    await client.mailboxCreate('Reports');
    await append('IMAP moved report', 'Reports');
    const result = await pollImapOnce(m.ctx, imapConfig('move:Imported', 'Reports'), programs);
    assert.deepEqual(result, { stored: 1, duplicates: 0 });
    await m.worker.drain();
    assert.ok((await reports()).includes('IMAP moved report'));
    const left = await client.status('Reports', { messages: true });
    const moved = await client.status('Imported', { messages: true });
    assert.equal(left && left.messages, 0);
    assert.equal(moved && moved.messages, 1);
  });

  it('lets one worker poll a mailbox at a time', async () => {
    assert.equal(await acquireLease(m.ctx, 'imap:test', 'worker-a', 60), true);
    assert.equal(await acquireLease(m.ctx, 'imap:test', 'worker-b', 60), false, 'b waits while a holds the lease');
    assert.equal(await acquireLease(m.ctx, 'imap:test', 'worker-a', 60), true, 'a renews');
    await t.db.updateTable('mail_leases').set({ expires_at: new Date(Date.now() - 1000) }).where('name', '=', 'imap:test').execute();
    assert.equal(await acquireLease(m.ctx, 'imap:test', 'worker-b', 60), true, 'b takes over an expired lease');
  });
});
