import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { checkReadiness } from '../../ops/readiness.ts';

/**
 * GET /readyz for load balancers and orchestrators: 200 when this instance
 * can do its work (database reachable, schema current, a worker alive), 503
 * with the reason otherwise. GET /healthz stays the liveness check.
 */
export function registerReadinessRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get('/readyz', async (_req, reply) => {
    const readiness = await checkReadiness(ctx.db, 3000, ctx.config.workerStaleSeconds);
    return reply.code(readiness.ready ? 200 : 503).header('cache-control', 'no-store').send(readiness);
  });
}
