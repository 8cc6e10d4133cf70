import pino, { type Logger } from 'pino';
import { redactUrl } from './web/redact.ts';

/** EMBARGO_LOG_FORMAT: auto (readable on a terminal, JSON otherwise), json or pretty. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * The process logger. Requests are logged with a redacted URL and no headers
 * or bodies: reports, cookies and tokens never reach the log.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = 'auto'): Logger {
  // JSON lines for log collectors; readable lines when a person watches a terminal.
  const pretty = !destination && (format === 'pretty' || (format === 'auto' && process.stdout.isTTY));
  return pino(
    {
      level,
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url ?? '') }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
      redact: { paths: ['password', '*.password', 'token', '*.token', 'body', '*.body'], censor: '[redacted]' },
    },
    pretty ? pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } }) : destination,
  );
}
