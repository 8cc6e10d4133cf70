import { sql, type Kysely } from 'kysely';

// Canned responses: reply templates a program's admins write once and the team
// inserts into replies or uses to close a report with one click. Never imports
// application code: the closure reasons below are the values of this day.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE canned_responses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      program_id uuid NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
      -- What the team picks it by in the report page's select.
      title text NOT NULL CHECK (char_length(btrim(title)) BETWEEN 1 AND 120),
      -- Plain text with {{variables}} (src/canned/template-variables.ts), filled when inserted.
      body text NOT NULL CHECK (char_length(btrim(body)) BETWEEN 1 AND 5000),
      -- Set when the template is meant for closing as not applicable with this reason.
      closure_reason text CHECK (closure_reason IN ('out-of-scope', 'not-a-vulnerability', 'informative', 'cannot-reproduce')),
      created_by uuid REFERENCES staff_users(id) ON DELETE SET NULL,
      updated_by uuid REFERENCES staff_users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // listCannedResponses: a program's templates by title (the staff page and the report page's select);
  // also keeps two templates of one program from sharing a title, so the select is unambiguous.
  await sql`CREATE UNIQUE INDEX canned_responses_program_title ON canned_responses (program_id, lower(title))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}
