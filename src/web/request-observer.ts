import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../ops/metrics.ts';

/**
 * Per-request bookkeeping that costs the submission path nothing it need
 * not: the latency histogram by route pattern (never the URL, which may carry
 * a tracking token), and a log line per request only at debug level (Fastify's
 * own two lines per request at info level were part of every request's cost).
 * Errors are logged by the error handler.
 */
export function observeRequests(app: FastifyInstance, metrics: Metrics | undefined): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics?.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (app.log.level === 'debug' || app.log.level === 'trace') req.log.debug({ req, res: reply, ms: Math.round(reply.elapsedTime) }, 'request');
  });
}
