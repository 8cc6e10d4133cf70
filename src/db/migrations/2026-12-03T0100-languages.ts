import { sql, type Kysely } from 'kysely';

// Languages (issue 15, docs/languages.md): a report and a subscriber remember the language their mail
// is written in (null: rows from before, which get the program's default language), and a policy
// version carries its translations ({ "sv": sections, … }), published with it and never edited after.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE reports ADD COLUMN language text CHECK (language ~ '^[a-z]{2,3}$')`.execute(db);
  await sql`ALTER TABLE subscribers ADD COLUMN language text CHECK (language ~ '^[a-z]{2,3}$')`.execute(db);
  await sql`ALTER TABLE policy_versions ADD COLUMN translations jsonb NOT NULL DEFAULT '{}'::jsonb`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Irreversible; restore a backup instead.');
}
