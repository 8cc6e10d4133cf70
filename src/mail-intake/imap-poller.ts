import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { ImapFlow } from 'imapflow';
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { MailIntakeConfig } from '../config.ts';
import { routeAddress, headerRecipients, type ProgramAddress } from './recipients.ts';
import { storeInboundMail } from './store-inbound.ts';

type ImapConfig = NonNullable<MailIntakeConfig['imap']>;
type PollContext = Pick<AppContext, 'db' | 'config' | 'logger' | 'secret'>;

/** The keyword that marks a message as imported, so humans' \Seen flags keep their meaning. */
export const IMPORTED_KEYWORD = '$EmbargoImported';
/** Messages taken per look; the rest wait for the next one (a full mailbox must not exhaust memory). */
const BATCH = 25;

/** imaps://user:pass@host:993/Folder → imapflow options and the mailbox to read. */
export function parseImapUrl(url: string): { host: string; port: number; secure: boolean; user: string; pass: string; mailbox: string } {
  const u = new URL(url);
  const secure = u.protocol === 'imaps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    mailbox: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

/**
 * One look at the mailbox: every message not yet imported is stored (in one
 * transaction with its processing job) and only then flagged or moved. A
 * crash between the two leaves the message unmarked; the next look stores it
 * again, which the dedupe key turns into a no-op, and marks it. So each mail
 * becomes a report once, whatever restarts in between.
 */
export async function pollImapOnce(ctx: PollContext, imap: ImapConfig, programs: readonly ProgramAddress[]): Promise<{ stored: number; duplicates: number }> {
  const target = parseImapUrl(imap.url);
  const client = new ImapFlow({ host: target.host, port: target.port, secure: target.secure, auth: { user: target.user, pass: target.pass }, logger: false });
  client.on('error', (err: Error) => ctx.logger.warn({ err: err.message }, 'IMAP connection error'));
  await client.connect();
  let stored = 0;
  let duplicates = 0;
  try {
    const lock = await client.getMailboxLock(target.mailbox);
    try {
      const keywords = client.mailbox && client.mailbox.permanentFlags?.has('\\*');
      const flagMode = imap.processed.kind === 'flag';
      // A server that refuses custom keywords gets \Seen alone: then only unseen mail is new.
      const query = !flagMode ? { all: true } : keywords ? { unKeyword: IMPORTED_KEYWORD } : { seen: false };
      const uids = ((await client.search(query, { uid: true })) || []).slice(0, BATCH);
      if (uids.length === 0) return { stored, duplicates };
      // Fetch first, then change the mailbox: imapflow forbids commands inside a fetch loop.
      const messages = await client.fetchAll(uids.join(','), { uid: true, source: true }, { uid: true });
      if (imap.processed.kind === 'move') await client.mailboxCreate(imap.processed.folder).catch(() => undefined);
      for (const message of messages) {
        if (!message.source) continue;
        const recipients = headerRecipients(message.source);
        const programId =
          recipients.map((r) => routeAddress(programs, ctx.secret, ctx.config.mail.replyDomain, r)?.programId).find(Boolean) ?? programs[0]!.programId;
        const result = await storeInboundMail(ctx.db, ctx.secret, { programId, raw: message.source, source: 'imap', envelopeTo: [] });
        if (result.duplicate) duplicates++;
        else stored++;
        if (imap.processed.kind === 'move') await client.messageMove(String(message.uid), imap.processed.folder, { uid: true });
        else await client.messageFlagsAdd(String(message.uid), keywords ? ['\\Seen', IMPORTED_KEYWORD] : ['\\Seen'], { uid: true });
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  if (stored + duplicates > 0) ctx.logger.info({ mailbox: target.mailbox, stored, duplicates }, 'IMAP mail imported');
  return { stored, duplicates };
}

/**
 * Takes or renews the lease on one mailbox: with several workers, one polls
 * and the others stand by, taking over when its lease runs out.
 */
export async function acquireLease(ctx: Pick<AppContext, 'db'>, name: string, holder: string, seconds: number): Promise<boolean> {
  const row = await ctx.db
    .insertInto('mail_leases')
    .values({ name, holder, expires_at: sql<Date>`now() + ${sql.lit(`${seconds} seconds`)}::interval` })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: sql<Date>`now() + ${sql.lit(`${seconds} seconds`)}::interval` })
        .where((eb) => eb.or([eb('mail_leases.expires_at', '<', sql<Date>`now()`), eb('mail_leases.holder', '=', holder)])),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}

/** Polls every `pollSeconds` while this process holds the mailbox's lease. */
export function startImapPoller(ctx: PollContext, imap: ImapConfig, programs: readonly ProgramAddress[]): { close(): Promise<void> } {
  const target = parseImapUrl(imap.url);
  const leaseName = `imap:${target.host}:${target.port}/${target.mailbox}`;
  const holder = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseSeconds = Math.max(300, imap.pollSeconds * 3);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const cycle = async () => {
    if (!(await acquireLease(ctx, leaseName, holder, leaseSeconds))) return;
    await pollImapOnce(ctx, imap, programs);
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = cycle()
        .catch((err) => ctx.logger.warn({ err: (err as Error).message, mailbox: target.mailbox }, 'IMAP poll failed; will try again'))
        .finally(() => schedule(imap.pollSeconds * 1000));
    }, delayMs);
    timer.unref();
  };
  schedule(0);
  ctx.logger.info({ host: target.host, mailbox: target.mailbox, every: imap.pollSeconds, processed: imap.processed.kind }, 'IMAP poller started');
  return {
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      // Hand the mailbox over at once rather than after the lease runs out.
      await ctx.db.deleteFrom('mail_leases').where('name', '=', leaseName).where('holder', '=', holder).execute().catch(() => undefined);
    },
  };
}
