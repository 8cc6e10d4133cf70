/**
 * `npm run bench:seal-legacy`: how long the start-up sealing of an upgraded
 * database takes (src/reports/seal-legacy-report-texts.ts): event reasons kept
 * in clear by earlier versions and attachment digests, then what the check
 * costs on every later start once nothing is left. Embedded database by
 * default; BENCH_DATABASE_URL measures PostgreSQL (a fresh, empty database).
 * Targets: 20,000 events and 5,000 attachments sealed within 60 s; a start with
 * nothing left to seal spends under 20 ms on it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { ReportVault } from '../src/crypto/report-vault.ts';
import { migrateToLatest, openDatabase } from '../src/db/database.ts';
import { loadConfig } from '../src/config.ts';
import { loadProgram, syncPrograms } from '../src/programs/programs.ts';
import { sealLegacyReportTexts } from '../src/reports/seal-legacy-report-texts.ts';
import { submitReport } from '../src/reports/submit-report.ts';
import { InstanceSecret } from '../src/secrets/instance-secret.ts';

const REPORTS = 200;
const EVENTS_PER_REPORT = 100;
const ATTACHMENTS_PER_REPORT = 25;

const dir = await mkdtemp(path.join(os.tmpdir(), 'embargo-bench-seal-'));
const url = process.env.BENCH_DATABASE_URL;
const database = await openDatabase(url ? { kind: 'postgres', url } : { kind: 'embedded', dataDir: dir });
try {
  const { db } = database;
  await migrateToLatest(db);
  const config = loadConfig({});
  await syncPrograms(db, config.programs);
  const program = (await loadProgram(db, { slug: config.programs[0]!.slug }))!;
  const vault = new ReportVault(new InstanceSecret(randomBytes(32), 'bench'));
  const ids: string[] = [];
  for (let i = 0; i < REPORTS; i++) {
    const input = {
      title: `Report ${i}`, product: 'other', productVersion: '1', vulnerabilityType: 'xss' as const,
      description: 'A description long enough for the bench.', stepsToReproduce: '1. Open it', impact: 'Some.',
      cvssVector: undefined, reporterName: 'Bench', reporterHandle: undefined, reporterEmail: 'bench@example.org',
      creditPreference: 'name' as const, acceptPolicy: 'yes' as const, policyVersion: program.policy.version,
    };
    ids.push((await submitReport(db, vault, { program, input, files: [], channel: 'web' })).id);
  }
  // What earlier versions wrote: reasons in the event's JSON, digests in clear (content bytes are never opened here).
  for (const id of ids) {
    await sql`INSERT INTO report_events (report_id, actor_kind, type, data, reporter_visible)
      SELECT ${id}, 'system', 'state-changed', jsonb_build_object('from', 'new', 'to', 'acknowledged', 'reason', 'Legacy reason number ' || n), true
      FROM generate_series(1, ${EVENTS_PER_REPORT}) n`.execute(db);
    for (let a = 0; a < ATTACHMENTS_PER_REPORT; a++) {
      await db
        .insertInto('report_attachments')
        .values({ id: randomUUID(), report_id: id, message_id: null, filename_sealed: randomBytes(40), content_type: 'text/plain', size: 10, sha256: randomBytes(32).toString('hex'), content: randomBytes(40) })
        .execute();
    }
  }
  let started = performance.now();
  const sealed = await sealLegacyReportTexts(db, vault);
  const sealSeconds = (performance.now() - started) / 1000;
  const rounds = 50;
  started = performance.now();
  for (let i = 0; i < rounds; i++) await sealLegacyReportTexts(db, vault);
  const checkMs = (performance.now() - started) / rounds;
  console.log(JSON.stringify({
    database: url ? 'postgres' : 'embedded',
    rowsSealed: sealed,
    sealSeconds: Number(sealSeconds.toFixed(2)),
    rowsPerSecond: Math.round(sealed / sealSeconds),
    checkWhenDoneMs: Number(checkMs.toFixed(2)),
  }));
} finally {
  await database.close();
  await rm(dir, { recursive: true, force: true });
}
