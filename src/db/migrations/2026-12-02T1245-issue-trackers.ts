import { sql, type Kysely } from 'kysely';

// Issue trackers per program (src/trackers/, docs/integrations.md): GitHub,
// GitLab or Jira; a triager creates a linked issue from a report with the
// fields the team chose, and the report page shows the state.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE issue_trackers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      program_id uuid NOT NULL REFERENCES programs(id),
      kind text NOT NULL CHECK (kind IN ('github', 'gitlab', 'jira')),
      -- The API's base: https://api.github.com (or https://<GHE host>/api/v3), https://gitlab.example.com, https://example.atlassian.net.
      base_url text NOT NULL CHECK (length(base_url) <= 500),
      -- owner/repo (GitHub), the project's id or path (GitLab), the project key (Jira).
      project text NOT NULL CHECK (length(project) BETWEEN 1 AND 200),
      -- Jira only: the account e-mail of the API token (basic authentication); empty: the token is a bearer token.
      account text NOT NULL DEFAULT '' CHECK (length(account) <= 200),
      -- The API token, sealed with the instance secret (purpose tracker-token, bound to the id).
      token_sealed bytea NOT NULL,
      -- Labels every new issue gets; the triager may change them per issue.
      labels text[] NOT NULL DEFAULT '{}',
      -- Jira only: the issue type of new issues.
      issue_type text NOT NULL DEFAULT 'Bug' CHECK (length(issue_type) <= 100),
      -- Off by default: new issues carry the title and summary the triager wrote; on: the triager may add the full report.
      allow_full_report boolean NOT NULL DEFAULT false,
      created_by uuid REFERENCES staff_users(id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // The report page and the admins' page: a program's trackers.
  await sql`CREATE INDEX issue_trackers_program ON issue_trackers (program_id)`.execute(db);
  await sql`
    CREATE TABLE report_issue_links (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      tracker_id uuid NOT NULL REFERENCES issue_trackers(id) ON DELETE CASCADE,
      -- The issue's number (GitHub), iid (GitLab) or key (Jira).
      external_id text NOT NULL CHECK (length(external_id) <= 100),
      url text NOT NULL CHECK (length(url) <= 2000),
      -- The tracker's word for its state (open, closed, opened, a Jira status name), as last read.
      state text NOT NULL CHECK (length(state) <= 100),
      state_checked_at timestamptz NOT NULL DEFAULT now(),
      created_by uuid REFERENCES staff_users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (report_id, tracker_id)
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}
