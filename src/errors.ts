/**
 * The few errors the application raises on purpose. Each has a stable code;
 * the web layer maps them to status codes and pages, and nothing else.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Also used for "exists but you may not see it": callers cannot tell the two apart. */
export class NotFoundError extends AppError {
  constructor(what = 'This page') {
    super('not_found', 404, `${what} does not exist, or you do not have access to it.`);
  }
}

export class ValidationError extends AppError {
  constructor(
    readonly fields: Record<string, string>,
    message = 'Some fields need your attention.',
  ) {
    super('validation_failed', 422, message);
  }
}

export class InvalidTransitionError extends AppError {
  constructor(message: string) {
    super('invalid_transition', 409, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this.') {
    super('forbidden', 403, message);
  }
}

export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', 429, `Too many attempts. Try again in ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} minute(s).`);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super('payload_too_large', 413, message);
  }
}

/** Why the database could not serve a request; see classifyDatabaseError (src/db/database-errors.ts). */
export type DatabaseTrouble = 'unavailable' | 'storage_full' | 'failed';

/**
 * The database cannot answer right now: connection lost or refused, server
 * restarting, no space left, or a call that did not finish in time. Nothing of
 * the request was stored; the client should send it again later (503 with
 * Retry-After). The detail stays in `cause` and the log, never in the answer.
 */
export class DatabaseUnavailableError extends AppError {
  readonly retryAfterSeconds = 30;
  constructor(
    readonly trouble: DatabaseTrouble,
    options: { cause?: unknown } = {},
  ) {
    super('database_unavailable', 503, 'The service is briefly unavailable. Nothing you sent was stored yet; please send it again in a minute.');
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
