import type { FastifyInstance } from 'fastify';
import { fieldsWithNul, NUL_MESSAGE } from '../domain/nul-characters.ts';
import { NotFoundError, ValidationError } from '../errors.ts';

/**
 * One guard for every route, before any schema or handler sees the request:
 * NUL in a route parameter names nothing (404); in a query filter or a
 * parsed body (JSON, URL-encoded form) it is refused on the fields that hold
 * it (422). Multipart fields are read later by their routes and checked by
 * the shared text schemas (src/domain/report-input.ts).
 */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    if (fieldsWithNul(req.params).length) throw new NotFoundError();
    for (const source of [req.query, req.body]) {
      const fields = fieldsWithNul(source);
      if (fields.length) {
        const names = fields.map((f) => `“${f}”`).join(', ');
        throw new ValidationError(Object.fromEntries(fields.map((f) => [f, NUL_MESSAGE])), `${names}: ${NUL_MESSAGE} Go back to keep what you typed.`);
      }
    }
  });
}
