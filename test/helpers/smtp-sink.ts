import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on a loopback port that keeps every message it receives. */
export async function startSmtpSink(): Promise<{
  url: string;
  port: number;
  mails: CapturedMail[];
  close(): Promise<void>;
  failNext: (n: number) => void;
  refuseNext: (n: number) => void;
  /** The next message is received but never answered (a relay that hangs after DATA); resolves once it arrived. Never counted in `mails`. */
  stallNext: () => Promise<void>;
}> {
  const mails: CapturedMail[] = [];
  let failures = 0;
  let refusals = 0;
  let stall: (() => void) | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (raw += c));
      stream.on('end', () => {
        if (stall) {
          const arrived = stall;
          stall = undefined;
          arrived();
          return; // no answer, ever: the sender's socket times out or its process dies
        }
        if (refusals > 0) {
          refusals--;
          const err = new Error('Mailbox unavailable') as Error & { responseCode: number };
          err.responseCode = 550;
          return callback(err);
        }
        if (failures > 0) {
          failures--;
          const err = new Error('Try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          return callback(err);
        }
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    failNext: (n) => (failures = n),
    /** The next n messages get 550 (refused for good: not retried). */
    refuseNext: (n) => (refusals = n),
    stallNext: () => new Promise<void>((resolve) => (stall = resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
