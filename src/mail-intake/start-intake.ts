import { readFileSync } from 'node:fs';
import type { AppContext } from '../context.ts';
import { loadProgramAddresses } from './recipients.ts';
import { storeInboundMail } from './store-inbound.ts';

export interface MailIntake {
  /** Port the SMTP listener bound (useful with port 0); undefined without a listener. */
  smtpPort: number | undefined;
  close(): Promise<void>;
}

/**
 * Starts what the configuration asks for: the SMTP listener wherever
 * EMBARGO_SMTP_LISTEN is set, the IMAP poller where the worker runs (it files
 * mail through the job queue, and holds a lease so one process polls). Each
 * loads its libraries only when configured (docs/performance.md, memory).
 */
export async function startMailIntake(ctx: AppContext, options: { imap: boolean }): Promise<MailIntake> {
  const intake = ctx.config.mail.intake;
  if (!intake.smtpListen && !(options.imap && intake.imap)) return { smtpPort: undefined, close: async () => {} };
  const programs = await loadProgramAddresses(ctx.db, ctx.config.programs.map((p) => p.slug));
  const smtpListen = intake.smtpListen;
  const listener = smtpListen
    ? await (await import('./smtp-listener.ts')).startSmtpListener({
        host: smtpListen.host,
        port: smtpListen.port,
        hostname: intake.hostname,
        maxBytes: intake.maxBytes,
        ...(intake.tls ? { tls: { cert: readFileSync(intake.tls.certFile), key: readFileSync(intake.tls.keyFile) } } : {}),
        programs,
        secret: ctx.secret,
        replyDomain: ctx.config.mail.replyDomain,
        store: (mail) => storeInboundMail(ctx.db, ctx.secret, mail),
        logger: ctx.logger,
        onEvent: (event) => (event === 'session' ? ctx.metrics?.smtpSessions.inc() : ctx.metrics?.smtpMessages.inc({ outcome: event })),
      })
    : undefined;
  const poller = options.imap && intake.imap ? (await import('./imap-poller.ts')).startImapPoller(ctx, intake.imap, programs) : undefined;
  return {
    smtpPort: listener?.port,
    async close() {
      await listener?.close();
      await poller?.close();
    },
  };
}
