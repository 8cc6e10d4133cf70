import { z } from 'zod';
import { AppError, ValidationError } from '../errors.ts';

/**
 * The stable codes an API client can branch on (docs/api.md). Messages are
 * for people and may change; codes do not.
 */
export const API_ERROR_CODES = {
  unauthorized: { status: 401, description: 'No token, a malformed or unknown token, or a revoked one.' },
  forbidden: { status: 403, description: 'The token lacks the scope this endpoint needs.' },
  not_found: { status: 404, description: 'No such report or attachment in the token’s program (another program’s report is “not found” too).' },
  restricted: { status: 403, description: 'The report is restricted to named staff (docs/triage.md): a token is never named, so it sees only that the report exists (in lists, `restricted: true`).' },
  invalid_transition: { status: 409, description: 'The lifecycle does not allow this state change from the current state.' },
  approval_pending: { status: 409, description: 'The program’s two-person rule holds this change (closing as not applicable or spam) until another lead or admin approves it; the request is recorded.' },
  payload_too_large: { status: 413, description: 'The body or an attachment exceeds the server’s limits.' },
  unsupported_media_type: { status: 415, description: 'The body is not application/json.' },
  invalid_json: { status: 400, description: 'The body is not valid JSON.' },
  validation_failed: { status: 422, description: 'Some fields are invalid; `fields` maps each (dotted path) to a message.' },
  rate_limited: { status: 429, description: 'Too many requests with this token; retry after the Retry-After seconds.' },
  database_unavailable: { status: 503, description: 'The database is briefly unavailable; nothing was stored. Retry after the Retry-After seconds.' },
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_CODES;

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: `A stable machine code: ${Object.keys(API_ERROR_CODES).join(', ')}, or internal_error.` }),
      message: z.string().meta({ description: 'What went wrong, for people; may change between versions.' }),
      fields: z.record(z.string(), z.string()).optional().meta({ description: 'Only with validation_failed: a message per invalid field.' }),
    }),
  })
  .meta({ id: 'Error' });

/** 401: the same code for every way a token can fail; the message says which, for the operator. */
export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super('unauthorized', 401, message);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor() {
    super('unsupported_media_type', 415, 'Send a JSON body with Content-Type: application/json.');
  }
}

/** Parses API input; failures become validation_failed with one message per dotted field path. */
export function parseApiInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_body';
    fields[key] ??= issue.message;
  }
  throw new ValidationError(fields);
}
