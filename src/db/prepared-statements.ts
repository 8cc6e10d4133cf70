import { createHash } from 'node:crypto';
import type { CompiledQuery } from 'kysely';
import type { Db } from './database.ts';

/**
 * Statements PostgreSQL parses and plans once per connection instead of on
 * every call. A submission's three statements cost PostgreSQL more to parse,
 * analyse and plan than to run (a third of its CPU under the bench's load,
 * measured with perf), so the hot ones are named: node-postgres sends the
 * text once per connection (a Parse with that name) and then only the
 * parameters. Only statements a caller marks are named, and only so many:
 * every name is a plan each backend keeps for as long as its connection
 * lives. A marked statement must name the columns it returns (no `SELECT *`),
 * or a column added while the server runs would make PostgreSQL refuse the
 * kept plan ("cached plan must not change result type").
 */
const names = new Map<string, string>();
const MAX_NAMED = 64;

/** Marks a compiled statement to be kept prepared (runPrepared compiles, marks and runs one). */
export function prepared<R>(compiled: CompiledQuery<R>): CompiledQuery<R> {
  if (!names.has(compiled.sql) && names.size < MAX_NAMED) {
    names.set(compiled.sql, `embargo_${createHash('sha256').update(compiled.sql).digest('base64url').slice(0, 24)}`);
  }
  return compiled;
}

/** The name a statement's text is kept under, when a caller marked it (read by the pool, src/db/guarded-pool.ts). */
export function preparedName(sqlText: string): string | undefined {
  return names.get(sqlText);
}

/** Compiles a query (a builder or `sql`), marks it to be kept prepared, runs it and returns its rows. */
export async function runPrepared<R>(db: Db, query: { compile(db: Db): CompiledQuery<R> }): Promise<R[]> {
  return (await db.executeQuery(prepared(query.compile(db)))).rows;
}
