// `restore --force` is all or nothing: the drop of the previous instance, the schema, the rows and
// the newer migrations run in one transaction, so a load that fails leaves the target as it was.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ReportVault } from '../../src/crypto/report-vault.ts';
import type { Db } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/database.ts';
import { restoreBackup } from '../../src/backup/restore-backup.ts';
import { writeBackup } from '../../src/backup/write-backup.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import { openTitle } from '../../src/reports/report-contents.ts';
import { InstanceSecret } from '../../src/secrets/instance-secret.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { emptyPostgres, type EmptyPostgres } from '../helpers/empty-postgres.ts';
import { runCli } from '../helpers/embargo-process.ts';
import { makeReport } from '../helpers/factories.ts';
import { drillSecret, rewriteBackupRows } from './backup-helpers.ts';

const vault = new ReportVault(new InstanceSecret(Buffer.from(drillSecret, 'hex'), 'test'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'embargo-restore-force-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** What an instance holds, as a person would check it: report titles (opened), staff, migrations run. */
async function holdings(db: Db): Promise<{ titles: string[]; staff: string[]; migrations: number }> {
  const reports = await db.selectFrom('reports').select(['id', 'data_key', 'title_sealed']).execute();
  const staff = await db.selectFrom('staff_users').select('email').orderBy('email').execute();
  const migrations = await sql<{ n: number }>`SELECT count(*)::int AS n FROM embargo_migrations`.execute(db);
  return { titles: reports.map((r) => openTitle(vault, r)).sort(), staff: staff.map((s) => s.email), migrations: migrations.rows[0]!.n };
}

/** A backup of an instance with three reports, and the same backup with one report row twice: consistent, but its load fails. */
async function backups(db: Db, name: string): Promise<{ good: string; failing: string }> {
  for (let n = 1; n <= 3; n++) await makeReport(db, { title: `Backed-up report ${n}` }, vault);
  await createStaffUser(db, { email: 'backup-lead@example.com', displayName: 'Lead', password: 'a long passphrase for the test', role: 'lead' });
  const good = path.join(tmp, `${name}.backup`);
  await writeBackup(db, good, { database: 'postgres', secretNote: 'EMBARGO_SECRET' });
  const failing = path.join(tmp, `${name}-duplicate.backup`);
  rewriteBackupRows(good, failing, 'reports', (rows) => [...rows, rows[0]!]);
  return { good, failing };
}

async function previousInstance(db: Db): Promise<void> {
  await makeReport(db, { title: 'Previous report A' }, vault);
  await makeReport(db, { title: 'Previous report B' }, vault);
  await createStaffUser(db, { email: 'previous-lead@example.com', displayName: 'Previous', password: 'a long passphrase for the test', role: 'lead' });
}

for (const kind of await databaseKinds()) {
  describe(`restore --force on ${kind}`, () => {
    let source: TestDatabase;
    let target: TestDatabase;
    let files: { good: string; failing: string };
    before(async () => {
      source = await freshDatabase(kind);
      files = await backups(source.db, kind);
      target = await freshDatabase(kind);
      await previousInstance(target.db);
    });
    after(async () => {
      await source?.close();
      await target?.close();
    });

    it('a load that fails leaves the previous instance exactly as it was', async () => {
      const before = await holdings(target.db);
      assert.deepEqual(before.titles, ['Previous report A', 'Previous report B']);
      await assert.rejects(restoreBackup(target.db, files.failing, { force: true }), /duplicate key|unique/i);
      assert.deepEqual(await holdings(target.db), before, 'reports, staff and the migrations table are untouched');
    });

    it('a load that succeeds replaces it', async () => {
      const r = await restoreBackup(target.db, files.good, { force: true });
      assert.equal(r.rows > 0, true);
      const now = await holdings(target.db);
      assert.deepEqual(now.titles, ['Backed-up report 1', 'Backed-up report 2', 'Backed-up report 3']);
      assert.deepEqual(now.staff, ['backup-lead@example.com']);
    });
  });
}

describe('`embargo restore --force` whose load fails, on PostgreSQL', () => {
  let source: TestDatabase;
  let target: EmptyPostgres;
  let files: { good: string; failing: string };
  before(async () => {
    source = await freshDatabase('postgres');
    files = await backups(source.db, 'cli');
    target = await emptyPostgres();
    await migrateToLatest(target.db);
    await syncPrograms(target.db, [demoProgram]);
    await previousInstance(target.db);
  });
  after(async () => {
    await source?.close();
    await target?.close();
  });

  it('says the restore failed and nothing was changed, and the previous instance is intact', async () => {
    const before = await holdings(target.db);
    const r = await runCli(['restore', files.failing, '--force'], { DATABASE_URL: target.url, EMBARGO_SECRET: drillSecret });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /The restore failed: .*(duplicate key|unique).*nothing was changed/is);
    assert.deepEqual(await holdings(target.db), before);
  });
});
