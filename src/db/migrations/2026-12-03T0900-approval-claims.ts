import { sql, type Kysely } from 'kysely';

// Two approvers deciding one request at once must not both run the approved action (a second
// publication): the first claims the request (claimed_by, claimed_at) before running it. The claim
// is a lease: a claim older than the lease may be taken over, so a crash never blocks a request.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE approval_requests
      ADD COLUMN claimed_by uuid REFERENCES staff_users(id),
      ADD COLUMN claimed_at timestamptz,
      ADD CONSTRAINT approval_requests_claim_whole CHECK ((claimed_by IS NULL) = (claimed_at IS NULL))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}
