import { sql, type Kysely } from 'kysely';

// Blocking hurts only the sender (src/triage/block-list.ts): an e-mail address is
// blocked until an admin removes it; an IP address, which many honest people may
// share (NAT, proxy, Tor exit), only when an admin chooses it, and always until an
// expiry. Removing an entry is recorded in the report's timeline.
export async function up(db: Kysely<unknown>): Promise<void> {
  // When the block stops counting; null (only for e-mail addresses) for "until removed".
  await sql`ALTER TABLE blocked_senders ADD COLUMN expires_at timestamptz`.execute(db);
  // IP blocks made before this change were never chosen: "block the sender" added them on its own.
  // They stop counting now and stay listed as expired, so an admin can see and re-block on purpose.
  await sql`UPDATE blocked_senders SET expires_at = now() WHERE kind = 'ip'`.execute(db);
  await sql`ALTER TABLE blocked_senders ADD CONSTRAINT blocked_senders_ip_expires CHECK (kind <> 'ip' OR expires_at IS NOT NULL)`.execute(db);
  await sql`INSERT INTO report_event_types (type) VALUES ('sender-unblocked') ON CONFLICT DO NOTHING`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}
