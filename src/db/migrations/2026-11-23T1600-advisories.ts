import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Advisory numbers per program and year (EMB-SA-2026-0001), like report_counters.
  await sql`
    CREATE TABLE advisory_counters (
      program_id uuid NOT NULL REFERENCES programs(id),
      year integer NOT NULL,
      last_number integer NOT NULL,
      PRIMARY KEY (program_id, year)
    )`.execute(db);
  await sql`
    CREATE TABLE advisories (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      program_id uuid NOT NULL REFERENCES programs(id),
      -- Given at first publication, not before: a number taken by a draft would show in the
      -- public sequence as a gap, telling the world an embargoed advisory is being written.
      public_id text UNIQUE,
      -- The report it was drafted from; an advisory may also stand alone.
      report_id uuid REFERENCES reports(id),
      state text NOT NULL CHECK (state IN ('draft', 'published')),
      -- A draft describes an unfixed, embargoed vulnerability: sealed like report contents
      -- until publication (src/crypto/report-vault.ts, key id "advisory:<id>").
      data_key bytea NOT NULL,
      draft_sealed bytea,
      -- The published content (public by then), and its text for the near-duplicate spam signal.
      content jsonb,
      search_text text,
      -- [{ number, date, summary }], newest last; empty while a draft.
      revisions jsonb NOT NULL DEFAULT '[]',
      created_by uuid REFERENCES staff_users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz,
      CHECK ((state = 'draft') = (draft_sealed IS NOT NULL)),
      CHECK (state = 'draft' OR public_id IS NOT NULL),
      CHECK ((state = 'published') = (content IS NOT NULL AND search_text IS NOT NULL AND published_at IS NOT NULL))
    )`.execute(db);
  // The public list and feeds: newest published first.
  await sql`CREATE INDEX advisories_published ON advisories (published_at DESC) WHERE state = 'published'`.execute(db);
  // One advisory per report (draftAdvisoryFromReport), and the report page's "advisory" panel.
  await sql`CREATE UNIQUE INDEX advisories_report ON advisories (report_id) WHERE report_id IS NOT NULL`.execute(db);
  // The spam signal "near-duplicate of a published advisory" (src/triage/advisory-similarity.ts): similarity(search_text, $text).
  await sql`CREATE INDEX advisories_search_trgm ON advisories USING gin (search_text gin_trgm_ops) WHERE state = 'published'`.execute(db);

  // Every type of 2026-11-23T1590-ssvc, plus the advisory's publication on its report.
  await sql`ALTER TABLE report_events DROP CONSTRAINT report_events_type_check`.execute(db);
  await sql`
    ALTER TABLE report_events ADD CONSTRAINT report_events_type_check CHECK (type IN ('submitted', 'state-changed',
      'assigned', 'reporter-replied', 'staff-replied', 'note-added', 'credit-changed',
      'severity-set', 'cwe-set', 'evaluation-sent', 'resolution-date-changed', 'duplicate-marked',
      'quarantined', 'quarantine-released', 'sender-blocked', 'ssvc-set', 'advisory-published'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}
