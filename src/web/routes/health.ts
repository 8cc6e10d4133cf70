import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { databaseHealth } from '../../db/database.ts';

/** A probe must get an answer even when the database hangs: this long for SELECT 1, then 503. */
const PROBE_TIMEOUT_MS = 5_000;

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  /**
   * Answers 200 only when the database answers within PROBE_TIMEOUT_MS and
   * takes writes: a full disk or a failed embedded database is 503 although
   * SELECT 1 may still work, so a load balancer or supervisor can act.
   */
  app.get('/healthz', async (_req, reply) => {
    const database = ctx.config.database.kind;
    reply.header('cache-control', 'no-store');
    const known = databaseHealth(ctx.db)?.state() ?? 'ok';
    if (known === 'storage_full' || known === 'failed') {
      return reply.code(503).header('retry-after', '30').send({ status: 'unavailable', database, problem: known });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        sql`SELECT 1`.execute(ctx.db),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer in time')), PROBE_TIMEOUT_MS))),
      ]);
      return reply.send({ status: 'ok', database });
    } catch {
      return reply.code(503).header('retry-after', '30').send({ status: 'unavailable', database, problem: databaseHealth(ctx.db)?.state() ?? 'unavailable' });
    } finally {
      clearTimeout(timer);
    }
  });
}
