import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Logger } from 'pino';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { routeAddress, type ProgramAddress } from './recipients.ts';
import type { IncomingMail } from './store-inbound.ts';

export interface SmtpListenerOptions {
  host: string;
  port: number;
  /** Name in the greeting and in the Received header we add. */
  hostname: string;
  maxBytes: number;
  /** PEM certificate chain and key: STARTTLS is offered when given. */
  tls?: { cert: Buffer; key: Buffer };
  programs: readonly ProgramAddress[];
  secret: InstanceSecret;
  replyDomain: string | undefined;
  /**
   * Stores one mail durably (storeInboundMail in production). The listener's
   * only dependency on the database, and the seam tests use to take it away.
   */
  store: (mail: IncomingMail) => Promise<{ id: string; duplicate: boolean }>;
  logger: Logger;
  /** Told of each session and each message's outcome (the metrics). */
  onEvent?: (event: 'session' | 'stored' | 'deferred' | 'too-big') => void;
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

/** An SMTP reply the sending server understands: code and enhanced status (RFC 3463). */
function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** RFC 5321 §4.4 trace header: which client handed us the mail, as every MTA records it. */
function receivedHeader(session: SMTPServerSession, hostname: string): string {
  const helo = (session.hostNameAppearsAs || 'unknown').replace(/[^\w.:[\]-]/g, '');
  return `Received: from ${helo} (${session.remoteAddress}) by ${hostname} (Embargo) with ${session.transmissionType} id ${session.id}; ${new Date().toUTCString()}\r\n`;
}

/**
 * The built-in SMTP listener: usable as the domain's MX or behind a relay.
 * It accepts only the programs' addresses (550 at RCPT for anything else, so
 * it is never an open relay), answers 250 only after the mail is stored,
 * 451 when it cannot be stored (the sender retries later), and 552 above
 * the size limit. It never sends mail itself: acknowledgements go through
 * the job queue.
 */
export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const { logger, maxBytes } = options;
  const server = new SMTPServer({
    name: options.hostname,
    banner: 'Embargo vulnerability report intake',
    size: maxBytes,
    authOptional: true,
    // No AUTH: nobody submits through us. STARTTLS only with the operator's certificate.
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { cert: options.tls.cert, key: options.tls.key } : {}),
    maxRecipients: 20,
    maxClients: 50,
    logger: false,
    onConnect(_session, callback) {
      options.onEvent?.('session');
      callback();
    },
    onRcptTo(address, _session, callback) {
      const route = routeAddress(options.programs, options.secret, options.replyDomain, address.address);
      if (!route) return callback(smtpError(550, `5.1.1 <${address.address}>: no such recipient here; this server only accepts vulnerability reports`));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooBig = false;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit, stop buffering but keep reading so the client gets our 552 rather than a dropped connection.
        if (size > maxBytes) {
          tooBig = true;
          chunks.length = 0;
        } else chunks.push(chunk);
      });
      stream.on('end', () => {
        if (tooBig || stream.sizeExceeded) {
          logger.info({ session: session.id, size }, 'incoming mail refused: too large');
          options.onEvent?.('too-big');
          return callback(smtpError(552, `5.3.4 Message too big: at most ${maxBytes} bytes are accepted. Send large files as a link, or split them.`));
        }
        const raw = Buffer.concat([Buffer.from(receivedHeader(session, options.hostname)), ...chunks]);
        const mailFrom = session.envelope.mailFrom;
        // One stored copy per program addressed, with that program's recipients.
        const recipientsByProgram = new Map<string, string[]>();
        for (const { address } of session.envelope.rcptTo) {
          const programId = routeAddress(options.programs, options.secret, options.replyDomain, address)?.programId;
          if (programId) recipientsByProgram.set(programId, [...(recipientsByProgram.get(programId) ?? []), address]);
        }
        void (async () => {
          try {
            const stored = [];
            for (const [programId, envelopeTo] of recipientsByProgram) {
              stored.push(await options.store({ programId, raw, source: 'smtp', envelopeFrom: mailFrom ? mailFrom.address : '', envelopeTo }));
            }
            logger.info({ session: session.id, size: raw.length, mails: stored.map((s) => s.id), duplicate: stored.every((s) => s.duplicate) }, 'incoming mail stored');
            options.onEvent?.('stored');
            callback(null, `2.0.0 Stored as ${stored.map((s) => s.id).join(', ')}`);
          } catch (err) {
            logger.warn({ session: session.id, err: (err as Error).message }, 'incoming mail not stored (database unavailable?); answered 451 so the sender retries');
            options.onEvent?.('deferred');
            callback(smtpError(451, '4.3.0 Temporary failure storing your message; please try again later'));
          }
        })();
      });
    },
  });
  server.on('error', (err) => logger.warn({ err: err.message }, 'SMTP listener connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  logger.info({ host: options.host, port, addresses: options.programs.map((p) => p.contactEmail) }, 'SMTP listener accepting reports');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
