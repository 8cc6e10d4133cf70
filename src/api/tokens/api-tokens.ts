import { randomUUID } from 'node:crypto';
import { appendAudit, recordAudit } from '../../audit/append-audit.ts';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { hashToken, newToken } from '../../domain/tokens.ts';
import { AppError, ValidationError } from '../../errors.ts';
import { API_SCOPES, type ApiScope } from './token-scopes.ts';

/**
 * API tokens: 256 random bits behind a recognisable prefix, so a token pasted
 * into a chat or a repository is easy to spot (and to scan for). Only the
 * SHA-256 of the whole string is stored; the token is shown once.
 */
export const TOKEN_PREFIX = 'emb_';
const TOKEN_PATTERN = /^emb_[A-Za-z0-9_-]{43}$/;

export function isWellFormedApiToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

export const newApiTokenSchema = z.object({
  name: z.string().trim().min(1, 'Give the token a name, e.g. the system that will use it.').max(100, 'The name is too long (at most 100 characters).'),
  scopes: z
    .array(z.enum(API_SCOPES, { error: `Scopes are ${API_SCOPES.join(', ')}.` }))
    .min(1, 'Choose at least one scope.')
    .transform((s) => [...new Set(s)]),
});
/** Unchecked input (a form, the CLI): createApiToken validates it. */
export type NewApiToken = { name: string; scopes: readonly string[] };

/** Who is behind an authenticated API request. */
export interface ApiPrincipal {
  tokenId: string;
  tokenName: string;
  programId: string;
  scopes: ReadonlySet<ApiScope>;
  /** The token's disabled staff account, under which its actions are recorded. */
  actorId: string;
}

export interface ApiTokenInfo {
  id: string;
  programSlug: string;
  name: string;
  scopes: ApiScope[];
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Its creator's account is deactivated: refused until that account is reactivated. */
  creatorDeactivated: boolean;
}

/**
 * Creates a token of a program. Each token gets its own staff account, disabled
 * so it can never sign in and without a role so it sees nothing in the staff
 * UI: the reports module records replies and state changes against a staff id,
 * and this way the timeline names the token ("API: HackerOne bridge") rather
 * than the admin who created it.
 */
export async function createApiToken(
  db: Db,
  args: { programId: string; input: NewApiToken; createdBy: string | null; now?: Date },
): Promise<{ id: string; token: string; scopes: ApiScope[] }> {
  const parsed = newApiTokenSchema.safeParse(args.input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const i of parsed.error.issues) fields[String(i.path[0] ?? 'name')] ??= i.message;
    throw new ValidationError(fields);
  }
  const { name, scopes } = parsed.data;
  const token = TOKEN_PREFIX + newToken();
  const id = randomUUID();
  const now = args.now ?? new Date();
  await db.transaction().execute(async (trx) => {
    // A token's account counts as a staff account, which would make the server stop
    // offering the first-administrator link: so a person has to exist first.
    const people = await trx
      .selectFrom('staff_users as u')
      .select(sql<string>`count(*)`.as('n'))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('api_tokens as t').select('t.id').whereRef('t.actor_id', '=', 'u.id'))))
      .executeTakeFirstOrThrow();
    if (Number(people.n) === 0) {
      throw new AppError('no_staff', 409, 'Create the first administrator before creating API tokens (the setup link in the server log, or `embargo user add`).');
    }
    const clash = await trx
      .selectFrom('api_tokens')
      .select('id')
      .where('program_id', '=', args.programId)
      .where(sql<string>`lower(name)`, '=', name.toLowerCase())
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (clash) throw new ValidationError({ name: 'A token with this name exists; revoke it first or choose another name.' });
    const actor = await trx
      .insertInto('staff_users')
      .values({
        email: `api-token-${id}@api-tokens.invalid`,
        display_name: `API: ${name}`,
        // Not a PHC string: no password ever verifies against it.
        password_hash: '!api-token',
        disabled_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('api_tokens')
      .values({ id, program_id: args.programId, name, token_hash: hashToken(token), scopes, actor_id: actor.id, created_by: args.createdBy, created_at: now })
      .execute();
    await appendAudit(trx, { actor: args.createdBy ? { kind: 'staff', id: args.createdBy } : { kind: 'operator' }, action: 'api-token.created', target: id, details: { programId: args.programId, scopes } });
  });
  return { id, token, scopes };
}

/** Revokes a live token of the program by id or (live) name; undefined when there is none. */
export async function revokeApiToken(db: Db, args: { programId: string; idOrName: string; revokedBy: string | null }): Promise<{ id: string; name: string } | undefined> {
  const byId = z.uuid().safeParse(args.idOrName).success;
  const row = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date(), revoked_by: args.revokedBy })
    .where('program_id', '=', args.programId)
    .where('revoked_at', 'is', null)
    .where(byId ? sql<boolean>`id = ${args.idOrName}::uuid` : sql<boolean>`lower(name) = ${args.idOrName.trim().toLowerCase()}`)
    .returning(['id', 'name'])
    .executeTakeFirst();
  if (row) await recordAudit(db, { actor: args.revokedBy ? { kind: 'staff', id: args.revokedBy } : { kind: 'operator' }, action: 'api-token.revoked', target: row.id, details: { programId: args.programId } });
  return row;
}

/** The tokens of some programs, newest first, for the staff page and `embargo token list`. */
export async function listApiTokens(db: Db, programIds: readonly string[]): Promise<ApiTokenInfo[]> {
  if (programIds.length === 0) return [];
  const rows = await db
    .selectFrom('api_tokens as t')
    .innerJoin('programs as p', 'p.id', 't.program_id')
    .leftJoin('staff_users as c', 'c.id', 't.created_by')
    .select(['t.id', 'p.slug', 't.name', 't.scopes', 't.created_at', 'c.display_name', 'c.disabled_at', 't.last_used_at', 't.revoked_at'])
    .where('t.program_id', 'in', programIds)
    .orderBy('t.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    programSlug: r.slug,
    name: r.name,
    scopes: r.scopes,
    createdAt: r.created_at.toISOString(),
    createdBy: r.display_name,
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
    creatorDeactivated: r.disabled_at !== null,
  }));
}

export type Authentication = { ok: true; principal: ApiPrincipal } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'creator-deactivated' };

/** Resolves a bearer token; touches last_used_at at most once a minute so reads stay reads. */
export async function authenticateApiToken(db: Db, token: string, now = new Date()): Promise<Authentication> {
  if (!isWellFormedApiToken(token)) return { ok: false, reason: 'malformed' };
  const row = await db
    .selectFrom('api_tokens as t')
    .leftJoin('staff_users as c', 'c.id', 't.created_by')
    .select(['t.id', 't.name', 't.program_id', 't.scopes', 't.actor_id', 't.last_used_at', 't.revoked_at', 'c.disabled_at as creator_disabled_at'])
    .where('t.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  // A token made by someone whose account was deactivated stops with it (and works again if it is reactivated);
  // tokens made at the command line have no creator and are revoked by the operator.
  if (row.creator_disabled_at) return { ok: false, reason: 'creator-deactivated' };
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return {
    ok: true,
    principal: { tokenId: row.id, tokenName: row.name, programId: row.program_id, scopes: new Set(row.scopes), actorId: row.actor_id },
  };
}
