import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** Answers 200 only when the database answers. */
  app.get('/healthz', async (_req, reply) => {
    try {
      await sql`SELECT 1`.execute(ctx.db);
      return reply.header('cache-control', 'no-store').send({ status: 'ok', database: ctx.config.database.kind });
    } catch {
      return reply.code(503).header('cache-control', 'no-store').send({ status: 'unavailable', database: ctx.config.database.kind });
    }
  });
}
