import type { FastifyInstance } from 'fastify';
import { controlCharacterMessage, fieldsWithControl, firstControlCharacter } from '../domain/control-characters.ts';
import { NotFoundError, ValidationError } from '../errors.ts';

/**
 * One guard for every route, before any schema or handler sees the request:
 * a control character in a route parameter names nothing (404); in a query
 * filter or a parsed body (JSON, URL-encoded form) it is refused on the fields
 * that hold it (422), with a message naming the character. Tab and line breaks
 * pass here (text areas hold them); the shared text schemas
 * (src/domain/report-input.ts) refuse them in fields of one line, and check the
 * multipart fields, which their routes read later.
 */
export function registerControlCharacterGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    if (fieldsWithControl(req.params, untyped).length) throw new NotFoundError();
    for (const source of [req.query, req.body]) {
      const fields = fieldsWithControl(source, untyped);
      if (fields.length) {
        const names = fields.map((f) => `“${f.path}”`).join(', ');
        const message = controlCharacterMessage(fields[0]!.character);
        throw new ValidationError(Object.fromEntries(fields.map((f) => [f.path, controlCharacterMessage(f.character)])), `${names}: ${message} Go back to keep what you typed.`);
      }
    }
  });
}

const untyped = (text: string): string | undefined => firstControlCharacter(text, true);
