import { sql, type Kysely } from 'kysely';

// Scoped API tokens (docs/api.md). Only a SHA-256 of the token is stored; the
// token itself is shown once when it is created.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      program_id uuid NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
      token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
      scopes text[] NOT NULL CHECK (
        cardinality(scopes) > 0 AND scopes <@ ARRAY['reports:submit', 'reports:read', 'reports:write']::text[]),
      actor_id uuid NOT NULL UNIQUE REFERENCES staff_users(id),
      created_by uuid REFERENCES staff_users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      revoked_by uuid REFERENCES staff_users(id),
      CHECK (revoked_by IS NULL OR revoked_at IS NOT NULL)
    )`.execute(db);
  // Authentication looks tokens up by token_hash (its UNIQUE index).
  // Live token names are unique per program, so `embargo token revoke NAME` finds one.
  await sql`CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (program_id, lower(name)) WHERE revoked_at IS NULL`.execute(db);
  // The token list of the staff page and `embargo token list`: a program's tokens, newest first.
  await sql`CREATE INDEX api_tokens_program ON api_tokens (program_id, created_at)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}
