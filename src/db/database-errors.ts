import { DatabaseUnavailableError, type DatabaseTrouble } from '../errors.ts';

/** Node socket errors that mean "the server is not there (right now)". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** pg's own wording for a connection that broke or never came (it sets no code on these). */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Query read timeout',
  'Connection terminated unexpectedly',
];

/**
 * Sorts an error from the database driver by what it means for availability,
 * or undefined for an ordinary query error (constraint, syntax, …) that is the
 * caller's to handle.
 *
 * - failed: the embedded database (PGlite, PostgreSQL compiled to WebAssembly)
 *   aborted; that instance will never answer again.
 * - storage_full: SQLSTATE 53100 disk_full or ENOSPC; PostgreSQL refused the
 *   write and stays usable, so it recovers once space is freed.
 * - unavailable: connection refused, reset or terminated (57P01 on
 *   pg_terminate_backend or shutdown), class 08 (connection exception),
 *   57P (operator intervention), 53 (insufficient resources), 58 (system
 *   error, e.g. I/O), and timeouts.
 */
export function classifyDatabaseError(err: unknown): DatabaseTrouble | undefined {
  if (err instanceof DatabaseUnavailableError) return err.trouble;
  if (!(err instanceof Error)) return undefined;
  if (err instanceof WebAssembly.RuntimeError || /^Aborted\(/.test(err.message) || /PGlite is closed/i.test(err.message)) return 'failed';
  const code = (err as { code?: unknown }).code;
  if (code === '53100' || code === 'ENOSPC' || /No space left on device/i.test(err.message)) return 'storage_full';
  if (typeof code === 'string') {
    if (/^(08|57P|53|58)/.test(code)) return 'unavailable';
    if (NETWORK_CODES.has(code)) return 'unavailable';
    // The embedded PostgreSQL's socket is gone while that server restarts.
    if (code === 'ENOENT' && /\.s\.PGSQL\./.test(err.message)) return 'unavailable';
  }
  if (CONNECTION_MESSAGES.some((m) => err.message.startsWith(m))) return 'unavailable';
  // AggregateError from a connect to several addresses (localhost → ::1 and 127.0.0.1).
  if (err instanceof AggregateError && err.errors.some((e) => classifyDatabaseError(e) === 'unavailable')) return 'unavailable';
  return undefined;
}

/** The error to throw for `err`: a DatabaseUnavailableError when it is about availability, else `err` itself. */
export function asDatabaseUnavailable(err: unknown): unknown {
  if (err instanceof DatabaseUnavailableError) return err;
  const trouble = classifyDatabaseError(err);
  return trouble ? new DatabaseUnavailableError(trouble, { cause: err }) : err;
}
