import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { sql, type Insertable, type RawBuilder } from 'kysely';
import { useAuditSecret } from '../src/audit/audit-keys.ts';
import type { Config } from '../src/config.ts';
import { ReportVault } from '../src/crypto/report-vault.ts';
import { migrateToLatest, openDatabase, type Db } from '../src/db/database.ts';
import type { ReportsTable } from '../src/db/schema.ts';
import { OPEN_STATES, type ReportState } from '../src/domain/lifecycle.ts';
import { loadProgram, syncPrograms } from '../src/programs/programs.ts';
import { sealReport } from '../src/reports/report-contents.ts';
import { loadInstanceSecret } from '../src/secrets/secret-file.ts';
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
 * `count` reports, sealed as the app seals them. Runs in the bench process before
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
    // The server started after seeding opens them with the same secret (EMBARGO_SECRET or EMBARGO_SECRET_FILE).
    const { secret } = loadInstanceSecret(config.instanceSecret, { secretFile: config.secretFile, dataDir: config.dataDir }, { createDataDir: config.database.kind === 'embedded' });
    // Creating the account writes the audit log, whose chain key comes from the secret.
    useAuditSecret(secret);
    const staff = await createStaffUser(db, { email: STAFF_EMAIL, displayName: 'Bench Triager', password: STAFF_PASSWORD, role: 'triager' });
    const vault = new ReportVault(secret);
    await insertReports(db, vault, {
      count,
      programId: program.id,
      policyVersionId: program.policy.id,
      prefix: program.config.referencePrefix,
      products: [...program.config.products.map((p) => p.id), 'other'],
      assigneeId: staff.id,
    }, config.database.kind === 'postgres' ? config.database.url : undefined);
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
      deepCursor: Buffer.from(JSON.stringify(['newest', cursorRow.t, cursorRow.id])).toString('base64url'),
      firstReference: {
        inbox: await first(sql`state IN (${open})`),
        search: await first(sql`search_terms @> ${[vault.blindTerm(SEARCH_WORD)]}::text[]`),
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
 * Contents are sealed in JS (as submitReport does), so every page can open
 * the titles it shows. On PostgreSQL the rows go in through COPY (psql), with
 * the table's secondary indexes built after the load, as a bulk load is done;
 * PGlite gets batched inserts.
 */
async function insertReports(db: Db, vault: ReportVault, p: SeedParams, databaseUrl: string | undefined): Promise<void> {
  if (databaseUrl && psqlAvailable()) await copyReports(db, vault, p, databaseUrl);
  else {
    let batch: Insertable<ReportsTable>[] = [];
    for (const row of reportRows(vault, p)) {
      batch.push(row);
      if (batch.length === 1000) {
        await db.insertInto('reports').values(batch).execute();
        batch = [];
      }
    }
    if (batch.length) await db.insertInto('reports').values(batch).execute();
  }
  await sql`
    INSERT INTO report_counters (program_id, year, last_number)
    SELECT ${p.programId}::uuid, extract(year FROM created_at AT TIME ZONE 'UTC')::int, count(*)
    FROM reports WHERE program_id = ${p.programId}::uuid GROUP BY 2
    ON CONFLICT (program_id, year) DO UPDATE SET last_number = excluded.last_number`.execute(db);
}

interface SeedParams {
  count: number;
  programId: string;
  policyVersionId: string;
  prefix: string;
  products: string[];
  assigneeId: string;
}

/** The team's CVSS on a third of the reports, so the severity sort has something to sort (vector and score go together). */
const TEAM_CVSS: readonly [string, number][] = [
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N', 6.5],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1],
];

function* reportRows(vault: ReportVault, p: SeedParams): Generator<Insertable<ReportsTable> & { id: string; created_at: Date }> {
  const titles = [
    'Heap buffer overflow in', 'Stored XSS in', 'SQL injection in', 'Integer overflow in', 'Authentication bypass in',
    'SSRF through', 'Path traversal in', 'Open redirect in', 'Insecure direct object reference in', 'Denial of service in',
  ];
  const types = ['memory', 'xss', 'sqli', 'memory', 'auth', 'ssrf', 'other', 'other', 'idor', 'dos'];
  const components = [
    'the image parser', 'the login form', 'the export API', 'the admin console', 'the webhook sender',
    'the file upload', 'the search endpoint', 'session handling', 'the billing page', 'mobile sync',
  ];
  const recentStates = ['new', 'new', 'acknowledged', 'triaged', 'needs-info', 'fixing', 'fixed'] as const;
  const oldStates = ['closed', 'disclosed', 'duplicate', 'not-applicable', 'spam', 'closed', 'disclosed', 'closed'] as const;
  const lingering = ['fixing', 'triaged', 'needs-info'] as const;
  const now = Math.floor(Date.now() / 1000) * 1000;
  const counters = new Map<number, number>();
  // Oldest first, so references count up within each year as the app hands them out.
  for (let g = p.count; g >= 1; g--) {
    // Deterministic jitter keeps timestamps distinct and runs comparable.
    const createdAt = new Date(now - (g * 900 + ((g * 7919) % 600)) * 1000);
    const year = createdAt.getUTCFullYear();
    const num = (counters.get(year) ?? 0) + 1;
    counters.set(year, num);
    const kind = g % 10;
    const part = Math.floor(g / 10) % 10;
    const state: ReportState = g <= 2000 ? recentStates[g % recentStates.length]! : g % 33 === 0 ? lingering[Math.floor(g / 33) % lingering.length]! : oldStates[g % oldStates.length]!;
    const title = `${titles[kind]} ${components[part]}`;
    const product = p.products[g % p.products.length]!;
    const id = randomUUID();
    const sealed = sealReport(vault, id, {
      title,
      description: `${title} lets an attacker who can reach ${components[(part + 4) % 10]} act beyond their rights. Found while reviewing build ${g}; the request below shows the problem on a default installation.`,
      stepsToReproduce: '1. Sign in as an ordinary user.\n2. Send the request from the attachment.\n3. Observe the response.',
      impact: 'An attacker could read or change data of other customers.',
      reporter: { name: g % 4 === 0 ? `Researcher ${g % 500}` : null, handle: null, email: null },
    }, { product, vulnerabilityType: types[kind]! });
    const cvss = g % 3 === 0 ? TEAM_CVSS[(g / 3) % TEAM_CVSS.length] : undefined;
    yield {
      id,
      program_id: p.programId,
      reference: `${p.prefix}-${year}-${String(num).padStart(4, '0')}`,
      channel: g % 10 === 0 ? 'email' : 'web',
      state,
      resume_state: state === 'needs-info' ? 'acknowledged' : null,
      ...sealed,
      product,
      product_version: `${g % 7}.${g % 13}.${g % 5}`,
      vulnerability_type: types[kind]!,
      credit_preference: g % 4 === 0 ? 'name' : 'anonymous',
      policy_version_id: p.policyVersionId,
      policy_accepted_at: createdAt,
      tracking_token_hash: createHash('sha256').update(`embargo-bench-${g}`).digest(),
      assignee_id: g % 3 === 0 && ['acknowledged', 'triaged', 'fixing', 'fixed'].includes(state) ? p.assigneeId : null,
      team_cvss_vector: cvss?.[0] ?? null,
      team_cvss_score: cvss?.[1] ?? null,
      // Open reports have a clock running (first response, then resolution); closed ones none.
      next_deadline_at: OPEN_STATES.includes(state) ? new Date(createdAt.getTime() + (5 + (g % 40)) * 86_400_000) : null,
      created_at: createdAt,
      updated_at: new Date(Math.min(now, createdAt.getTime() + ((g * 31) % 720) * 3_600_000)),
    };
  }
}

const COPY_COLUMNS = [
  'id', 'program_id', 'reference', 'channel', 'state', 'resume_state', 'data_key', 'title_sealed', 'content_sealed', 'reporter_sealed',
  'search_terms', 'product', 'product_version', 'vulnerability_type', 'credit_preference', 'policy_version_id', 'policy_accepted_at',
  'tracking_token_hash', 'assignee_id', 'team_cvss_vector', 'team_cvss_score', 'next_deadline_at', 'created_at', 'updated_at',
] as const;

/** One CSV field as COPY reads it: NULL is an unquoted empty field; bytea in hex; text[] as an array literal. */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return csvField(`{${v.map((t) => `"${String(t).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  const text = String(v);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
}

function psqlAvailable(): boolean {
  return spawnSync('psql', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * PostgreSQL: COPY through psql, sealing in this process while the server
 * writes. The reports table's secondary indexes (not those behind
 * constraints) are dropped for the load and built again after it, from their
 * own definitions, which is several times faster than maintaining the GIN
 * index row by row.
 */
async function copyReports(db: Db, vault: ReportVault, p: SeedParams, databaseUrl: string): Promise<void> {
  const indexes = await sql<{ name: string; def: string }>`
    SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = 'reports'
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass(quote_ident(i.indexname)))`.execute(db);
  for (const ix of indexes.rows) await sql`DROP INDEX ${sql.id(ix.name)}`.execute(db);
  const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy reports (${COPY_COLUMNS.join(', ')}) FROM PSTDIN WITH (FORMAT csv)`, databaseUrl], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let errors = '';
  psql.stderr.on('data', (d) => (errors += d));
  const exited = new Promise<number | null>((resolve) => psql.on('close', resolve));
  let chunk = '';
  for (const row of reportRows(vault, p)) {
    const values = row as Record<string, unknown>;
    chunk += COPY_COLUMNS.map((c) => csvField(values[c])).join(',') + '\n';
    if (chunk.length > 1 << 20) {
      if (!psql.stdin.write(chunk)) await once(psql.stdin, 'drain');
      chunk = '';
    }
  }
  psql.stdin.end(chunk);
  const code = await exited;
  if (code !== 0) throw new Error(`psql \\copy failed (${code}): ${errors.slice(-500)}`);
  await sql`SET maintenance_work_mem = '256MB'`.execute(db);
  for (const ix of indexes.rows) await sql.raw(ix.def).execute(db);
}
