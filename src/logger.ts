import pino, { type Logger } from 'pino';
import { redactUrl } from './web/redact.ts';

/**
 * The process logger. Requests are logged with a redacted URL and no headers
 * or bodies: reports, cookies and tokens never reach the log.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
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
    destination,
  );
}
