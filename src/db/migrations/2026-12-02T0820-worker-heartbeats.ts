import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE worker_heartbeats (
      -- One row per running worker (hostname:pid:random), written every few seconds while it runs.
      worker_id text PRIMARY KEY,
      started_at timestamptz NOT NULL DEFAULT now(),
      -- The last beat; the readiness check calls the workers stale when the newest is older than a minute.
      seen_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE worker_heartbeats`.execute(db);
}
