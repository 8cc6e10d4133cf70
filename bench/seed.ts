import { sql, type RawBuilder } from 'kysely';
import type { Config } from '../src/config.ts';
import { migrateToLatest, openDatabase, type Db } from '../src/db/database.ts';
import { OPEN_STATES } from '../src/domain/lifecycle.ts';
import { loadProgram, syncPrograms } from '../src/programs/programs.ts';
import { createStaffUser } from '../src/staff/staff-users.ts';

export const STAFF_EMAIL = 'bench@example.com';
export const STAFF_PASSWORD = 'bench password, not secret';
/** A word that occurs in about a fifth of the seeded reports. */
export const SEARCH_WORD = 'overflow';
/** How far the "deep page" starts in the all-reports view (the length of 1,000 pages of 50). */
export const DEEP_OFFSET = 50_000;

export interface SeedResult {
  seconds: number;
  reports: number;
  openReports: number;
  /** Keyset cursor of the page that starts DEEP_OFFSET rows into the "all" view. */
  deepCursor: string;
  /** The reference each measured page must show first: proof it rendered real rows, not an empty page. */
  firstReference: { inbox: string; search: string; deep: string };
}

/**
 * Migrates a fresh database, creates the bench staff account and loads
 * `count` reports with one INSERT … SELECT. Runs in the bench process before
 * the server starts, because PGlite's directory can only be open in one process.
 */
export async function seedDatabase(config: Config, count: number): Promise<SeedResult> {
  const started = performance.now();
  const database = await openDatabase(config.database);
  try {
    const { db } = database;
    await migrateToLatest(db);
    await syncPrograms(db, config.programs);
    const program = await loadProgram(db, { slug: config.programs[0]!.slug });
    if (!program) throw new Error('program missing after sync');
    const staff = await createStaffUser(db, { email: STAFF_EMAIL, displayName: 'Bench Triager', password: STAFF_PASSWORD, role: 'triager' });
    await insertReports(db, {
      count,
      programId: program.id,
      policyVersionId: program.policy.id,
      prefix: program.config.referencePrefix,
      products: [...program.config.products.map((p) => p.id), 'other'],
      assigneeId: staff.id,
    });
    // The state autovacuum leaves a table in after a bulk load (statistics for the
    // planner, visibility map for index-only scans). PGlite runs no autovacuum and
    // the test PostgreSQL may have it off, so do it here for both.
    await sql`VACUUM (ANALYZE)`.execute(db);

    const open = sql.join(OPEN_STATES.map((s) => sql`${s}`));
    const newestFirst = sql`ORDER BY created_at DESC, id DESC`;
    const first = async (where: RawBuilder<unknown>) =>
      (await sql<{ reference: string }>`SELECT reference FROM reports WHERE ${where} ${newestFirst} LIMIT 1`.execute(db)).rows[0]?.reference ?? '';
    // The cursor is the last row of the page before; the deep page begins with the row after it.
    const deep = await sql<{ t: string; id: string; reference: string }>`
      SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t, id, reference
      FROM reports ${newestFirst} OFFSET ${DEEP_OFFSET - 1} LIMIT 2`.execute(db);
    const [cursorRow, deepFirst] = deep.rows;
    if (!cursorRow || !deepFirst) throw new Error(`fewer than ${DEEP_OFFSET + 1} reports seeded`);
    const openCount = await sql<{ n: string }>`SELECT count(*) AS n FROM reports WHERE state IN (${open})`.execute(db);
    return {
      seconds: (performance.now() - started) / 1000,
      reports: count,
      openReports: Number(openCount.rows[0]?.n ?? 0),
      // Same encoding as list-reports.ts (not exported there).
      deepCursor: Buffer.from(JSON.stringify([cursorRow.t, cursorRow.id])).toString('base64url'),
      firstReference: {
        inbox: await first(sql`state IN (${open})`),
        search: await first(sql`search @@ websearch_to_tsquery('english', ${SEARCH_WORD})`),
        deep: deepFirst.reference,
      },
    };
  } finally {
    await database.close();
  }
}

/**
 * Reports one every ~15 minutes going back from now (100,000 ≈ 2.9 years).
 * Recent ones are in open states; older ones mostly closed, a few still open,
 * as in a long-running program. References are numbered per year like the app
 * does, and report_counters is set so live submissions continue the sequence.
 */
async function insertReports(
  db: Db,
  p: { count: number; programId: string; policyVersionId: string; prefix: string; products: string[]; assigneeId: string },
): Promise<void> {
  const titles = [
    'Heap buffer overflow in', 'Stored XSS in', 'SQL injection in', 'Integer overflow in', 'Authentication bypass in',
    'SSRF through', 'Path traversal in', 'Open redirect in', 'Insecure direct object reference in', 'Denial of service in',
  ];
  const types = ['memory', 'xss', 'sqli', 'memory', 'auth', 'ssrf', 'other', 'other', 'idor', 'dos'];
  const components = [
    'the image parser', 'the login form', 'the export API', 'the admin console', 'the webhook sender',
    'the file upload', 'the search endpoint', 'session handling', 'the billing page', 'mobile sync',
  ];
  const recentStates = ['new', 'new', 'acknowledged', 'triaged', 'needs-info', 'fixing', 'fixed'];
  const oldStates = ['closed', 'disclosed', 'duplicate', 'not-applicable', 'spam', 'closed', 'disclosed', 'closed'];
  const lingering = ['fixing', 'triaged', 'needs-info'];

  await sql`
    WITH base AS (
      SELECT g,
             -- Deterministic jitter keeps timestamps distinct and runs comparable.
             date_trunc('second', now()) - make_interval(secs => g * 900 + (g * 7919) % 600) AS created_at,
             1 + g % 10 AS kind,
             1 + (g / 10) % 10 AS part
      FROM generate_series(1, ${p.count}::int) AS g
    ), numbered AS (
      SELECT base.*,
             extract(year FROM created_at AT TIME ZONE 'UTC')::int AS year,
             row_number() OVER (PARTITION BY extract(year FROM created_at AT TIME ZONE 'UTC') ORDER BY created_at) AS num,
             CASE
               WHEN g <= 2000 THEN (${recentStates}::text[])[1 + g % ${recentStates.length}::int]
               WHEN g % 33 = 0 THEN (${lingering}::text[])[1 + (g / 33) % ${lingering.length}::int]
               ELSE (${oldStates}::text[])[1 + g % ${oldStates.length}::int]
             END AS state
      FROM base
    )
    INSERT INTO reports (program_id, reference, channel, state, resume_state, title, product, product_version,
      vulnerability_type, description, steps_to_reproduce, impact, reporter_name, credit_preference,
      policy_version_id, policy_accepted_at, tracking_token_hash, assignee_id, created_at, updated_at)
    SELECT ${p.programId}::uuid,
           ${p.prefix} || '-' || year || '-' || lpad(num::text, greatest(4, length(num::text)), '0'),
           CASE WHEN g % 10 = 0 THEN 'email' ELSE 'web' END,
           state,
           CASE WHEN state = 'needs-info' THEN 'acknowledged' END,
           (${titles}::text[])[kind] || ' ' || (${components}::text[])[part],
           (${p.products}::text[])[1 + g % ${p.products.length}::int],
           (g % 7) || '.' || (g % 13) || '.' || (g % 5),
           (${types}::text[])[kind],
           (${titles}::text[])[kind] || ' ' || (${components}::text[])[part] || ' lets an attacker who can reach '
             || (${components}::text[])[1 + (part + 3) % 10] || ' act beyond their rights. Found while reviewing build '
             || g || '; the request below shows the problem on a default installation.',
           E'1. Sign in as an ordinary user.\n2. Send the request from the attachment.\n3. Observe the response.',
           'An attacker could read or change data of other customers.',
           CASE WHEN g % 4 = 0 THEN 'Researcher ' || (g % 500) END,
           CASE WHEN g % 4 = 0 THEN 'name' ELSE 'anonymous' END,
           ${p.policyVersionId}::uuid,
           created_at,
           sha256(convert_to('embargo-bench-' || g, 'UTF8')),
           CASE WHEN g % 3 = 0 AND state IN ('acknowledged', 'triaged', 'fixing', 'fixed') THEN ${p.assigneeId}::uuid END,
           created_at,
           least(now(), created_at + make_interval(hours => (g * 31) % 720))
    FROM numbered`.execute(db);

  await sql`
    INSERT INTO report_counters (program_id, year, last_number)
    SELECT ${p.programId}::uuid, extract(year FROM created_at AT TIME ZONE 'UTC')::int, count(*)
    FROM reports WHERE program_id = ${p.programId}::uuid GROUP BY 2
    ON CONFLICT (program_id, year) DO UPDATE SET last_number = excluded.last_number`.execute(db);
}
