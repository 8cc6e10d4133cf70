import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ReportVault } from '../../src/crypto/report-vault.ts';
import { openDatabase, type Db } from '../../src/db/database.ts';
import { openAttachmentContent, openReport, reportKey } from '../../src/reports/report-contents.ts';
import { InstanceSecret } from '../../src/secrets/instance-secret.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { migrateToLatest } from '../../src/db/database.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { emptyPostgres, type EmptyPostgres } from '../helpers/empty-postgres.ts';
import { runCli, runCliOnTerminal, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { makeReport } from '../helpers/factories.ts';
import { requirePeer } from '../helpers/peers.ts';
import { attachmentFor, drillSecret, openedAdvisories, openedReports, reportFingerprints, rewriteBackupHeader, seedThreadsAndAdvisories, submitThroughForm, threadAttachment } from './backup-helpers.ts';

await requirePeer('postgres');
const vault = new ReportVault(new InstanceSecret(Buffer.from(drillSecret, 'hex'), 'test'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'embargo-backup-'));
const embedded = (dir: string) => ({ EMBARGO_DATA_DIR: path.join(tmp, dir), EMBARGO_SECRET: drillSecret });

/**
 * Checks that the restore holds the seeded threads and advisories, opened with the secret and
 * equal to the source plaintext byte for byte: every report of the restore has a staff and a
 * reporter reply with their attachments, one advisory is published and one a sealed draft.
 */
async function assertOpenedAlike(source: Db, restored: Db, seeded: readonly string[]): Promise<void> {
  const before = await openedReports(source, vault);
  const after = await openedReports(restored, vault);
  for (const [reference, opened] of after) assert.deepStrictEqual(opened, before.get(reference), `${reference}: its thread and attachments open to the same plaintext`);
  for (const reference of seeded) {
    const opened = after.get(reference);
    assert.ok(opened, `${reference} is restored`);
    assert.deepEqual(
      opened.messages.map((m) => m.body),
      [`Staff reply on ${reference}: we reproduced it ✓`, `Reporter reply on ${reference}: here is a second trace`],
    );
    const thread = opened.attachments.filter((a) => a.message);
    assert.deepEqual(thread.map((a) => a.name), [`staff-${reference}.bin`, `reporter-${reference}.bin`]);
    assert.ok(thread[0]!.content.equals(threadAttachment(reference, 'staff')), `${reference}: the staff attachment, byte for byte`);
    assert.ok(thread[1]!.content.equals(threadAttachment(reference, 'reporter')), `${reference}: the reporter attachment, byte for byte`);
  }
  const advisoriesBefore = await openedAdvisories(source, vault);
  const advisoriesAfter = await openedAdvisories(restored, vault);
  assert.deepStrictEqual(advisoriesAfter, advisoriesBefore, 'the advisories are the same rows, and open to the same content');
  const [first, second] = [advisoriesAfter.get(seeded[0]!), advisoriesAfter.get(seeded[1]!)];
  assert.equal(first?.state, 'published');
  assert.match(first!.publicId!, /\S/);
  assert.equal((first!.content as { summary: string }).summary, 'Published in the drill.');
  assert.equal(second?.state, 'draft');
  assert.match(second!.row, /"draft_sealed":"\\\\x/, 'the draft is stored sealed');
  assert.equal((second!.content as { title: string }).title, after.get(seeded[1]!)!.title, 'the sealed draft opens with the secret');
}

/** Opens an embedded data directory (relative to the drill's temp directory, or absolute). */
async function withEmbedded<T>(dir: string, use: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase({ kind: 'embedded', dataDir: path.resolve(tmp, dir) });
  try {
    return await use(database.db);
  } finally {
    await database.close();
  }
}

/** The attachment each report was submitted with (not those of its thread), opened with the drill's secret: title → bytes. */
async function openedAttachments(db: Db): Promise<Map<string, Buffer>> {
  const rows = await db
    .selectFrom('report_attachments as a')
    .innerJoin('reports as r', 'r.id', 'a.report_id')
    .selectAll('r')
    .select(['a.id as attachment_id', 'a.content as attachment_content'])
    .where('a.message_id', 'is', null)
    .execute();
  return new Map(rows.map((row) => [openReport(vault, row).title, openAttachmentContent(vault, reportKey(vault, row), row.attachment_id, row.attachment_content)]));
}

describe('backup and restore drill', () => {
  after(() => rmSync(tmp, { recursive: true, force: true }));

  describe('from the embedded database, while the server runs and reports keep coming', () => {
    let server: EmbargoProcess;
    const file = path.join(tmp, 'embedded.backup');
    const answered: { n: number; status: number; before: boolean; after: boolean }[] = [];
    let pg: EmptyPostgres;
    let backupOut = '';
    let terminalOut = '';
    let seeded: string[] = [];

    before(async () => {
      server = await startEmbargo({ startTimeoutMs: 90_000, env: { EMBARGO_SECRET: drillSecret, EMBARGO_TRUST_PROXY: 'true' } });
      const staff = await runCli(['user', 'add', '--email', 'lead@example.com', '--role', 'lead'], server.env, 'a long passphrase for the drill\n');
      assert.equal(staff.code, 0, staff.stderr);
      for (let n = 1; n <= 5; n++) answered.push({ n, ...(await submitThroughForm(server.baseUrl, n, attachmentFor(n))), before: true, after: false });
      // Threads with attachments and two advisories, through the use cases on the server's own data, then the server again.
      await server.stop();
      await withEmbedded(server.dataDir, async (db) => {
        const lead = await db.selectFrom('staff_users').select('id').executeTakeFirstOrThrow();
        await seedThreadsAndAdvisories(db, vault, lead.id, server.baseUrl);
        seeded = (await db.selectFrom('reports').select('reference').orderBy('reference').execute()).map((r) => r.reference);
      });
      server = await startEmbargo({ tempDir: server.tempDir, startTimeoutMs: 90_000, env: { EMBARGO_SECRET: drillSecret, EMBARGO_TRUST_PROXY: 'true' } });
      let backupDone = false;
      let stop = false;
      const load = (async () => {
        for (let n = 100; !stop; n++) {
          const wasDone = backupDone;
          const r = await submitThroughForm(server.baseUrl, n, attachmentFor(n));
          answered.push({ n, status: r.status, before: false, after: wasDone });
        }
      })();
      const backup = await runCli(['backup', '--out', file], server.env);
      backupDone = true;
      backupOut = backup.stdout + backup.stderr;
      assert.equal(backup.code, 0, backupOut);
      await new Promise((r) => setTimeout(r, 300));
      stop = true;
      await load;
      // The same through the running server, by an operator watching a terminal: progress on the way.
      const onTerminal = await runCliOnTerminal(['backup', '--out', path.join(tmp, 'on-terminal.backup')], server.env);
      terminalOut = onTerminal.output;
      assert.equal(onTerminal.code, 0, terminalOut);
      await server.stop();
      pg = await emptyPostgres();
    });
    after(async () => {
      await server?.stop();
      server?.removeFiles();
      await pg?.close();
    });

    it('shows its progress to an operator at a terminal, and none in a log or a pipe', () => {
      assert.match(terminalOut, /\r\x1b\[Kbacking up: table \d+ of \d+ \(\w+\), \d+ rows/, terminalOut);
      assert.match(terminalOut, /Wrote .*on-terminal\.backup: \d+ tables/);
      assert.doesNotMatch(backupOut, /backing up:|\x1b/, 'no progress lines without a terminal');
    });

    it('writes a complete backup through the running server and says where the secret is, which it does not contain', () => {
      assert.match(backupOut, /Wrote .*embedded\.backup: \d+ tables, \d+ rows/);
      assert.match(backupOut, /does not contain the instance secret/);
      assert.match(backupOut, /EMBARGO_SECRET/);
      const text = gunzipSync(readFileSync(file)).toString('utf8');
      assert.ok(!text.includes(drillSecret), 'the secret (hex) is not in the backup');
      assert.ok(!text.includes(Buffer.from(drillSecret, 'hex').toString('base64')), 'the secret (base64) is not in the backup');
      // Report 1's advisory is published, so its title is public (and in clear); every other title stays sealed, the draft advisory's too.
      for (const n of [2, 3, 4, 5]) assert.ok(!text.includes(`Drill report ${n}:`), `report ${n}'s title stays sealed in the backup`);
      assert.ok(answered.filter((a) => !a.before).length > 0, 'submissions ran during the backup');
      assert.ok(answered.every((a) => a.status === 303), `every submission was stored: ${JSON.stringify(answered.filter((a) => a.status !== 303))}`);
    });

    it('`backup verify` checks it without a database', async () => {
      const r = await runCli(['backup', 'verify', file], {});
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /a complete Embargo backup \(format 1\).*from the embedded database/);
      assert.match(r.stdout, /every checksum correct/);
    });

    it('restores into a new embedded data directory and into PostgreSQL, byte for byte, each report fully there or fully absent', async () => {
      const toEmbedded = await runCli(['restore', file], embedded('restored'));
      assert.equal(toEmbedded.code, 0, toEmbedded.stderr);
      assert.match(toEmbedded.stdout, /Restored \d+ rows in \d+ tables/);
      const toPg = await runCli(['restore', file], { DATABASE_URL: pg.url, EMBARGO_SECRET: drillSecret });
      assert.equal(toPg.code, 0, toPg.stderr);

      const source = await withEmbedded(server.dataDir, reportFingerprints);
      const restored = await withEmbedded('restored', reportFingerprints);
      const inPg = await reportFingerprints(pg.db);
      assert.deepEqual(inPg, restored, 'the embedded and the PostgreSQL restore hold the same bytes');
      for (const [reference, fp] of restored) assert.equal(fp, source.get(reference), `${reference} is restored whole and unchanged`);
      const titles = [...(await openedAttachments(pg.db)).keys()];
      for (const a of answered.filter((x) => x.before)) assert.ok(titles.includes(`Drill report ${a.n}: SQL injection in the export`), `report ${a.n}, stored before the backup, is in it`);
      for (const a of answered.filter((x) => x.after)) assert.ok(!titles.includes(`Drill report ${a.n}: SQL injection in the export`), `report ${a.n}, stored after the backup, is not`);
      assert.ok(restored.size < source.size, 'reports that came after the snapshot are not in the backup');

      const attachments = await openedAttachments(pg.db);
      for (const [title, bytes] of attachments) {
        const n = Number(/Drill report (\d+)/.exec(title)![1]);
        assert.deepEqual(bytes, attachmentFor(n), `the attachment of report ${n} opens with the same secret, byte-identical`);
      }
      const staff = await pg.db.selectFrom('staff_users').select('email').execute();
      assert.deepEqual(staff.map((s) => s.email), ['lead@example.com']);
      await withEmbedded(server.dataDir, (db) => assertOpenedAlike(db, pg.db, seeded));
      await withEmbedded('restored', (db) => assertOpenedAlike(db, pg.db, seeded));
    });

    it('refuses a target that holds data unless --force, and a secret that does not open the backup', async () => {
      const again = await runCli(['restore', file], { DATABASE_URL: pg.url, EMBARGO_SECRET: drillSecret });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already holds an instance.*--force.*Nothing was changed/s);
      const other = await runCli(['restore', file], { ...embedded('wrong-secret'), EMBARGO_SECRET: 'ab'.repeat(32) });
      assert.equal(other.code, 1);
      assert.match(other.stderr, /does not open this backup's program keys/);
      const forced = await runCli(['restore', file, '--force'], { DATABASE_URL: pg.url, EMBARGO_SECRET: drillSecret });
      assert.equal(forced.code, 0, forced.stderr);
    });

    it('refuses a damaged, cut-short or newer backup, and changes nothing', async () => {
      const bytes = readFileSync(file);
      const damaged = path.join(tmp, 'damaged.backup');
      const flipped = Buffer.from(bytes);
      flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
      writeFileSync(damaged, flipped);
      const v1 = await runCli(['backup', 'verify', damaged], {});
      assert.equal(v1.code, 1);
      assert.match(v1.stderr, /is not a usable backup/);

      const cut = path.join(tmp, 'cut.backup');
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const v2 = await runCli(['backup', 'verify', cut], {});
      assert.equal(v2.code, 1);
      assert.match(v2.stderr, /cut short|not a readable gzip stream/);

      const newerFormat = path.join(tmp, 'newer-format.backup');
      rewriteBackupHeader(file, newerFormat, (h) => (h.embargoBackup = 99));
      const v3 = await runCli(['backup', 'verify', newerFormat], {});
      assert.equal(v3.code, 1);
      assert.match(v3.stderr, /format 99, newer than this version of Embargo reads/);

      const newerSchema = path.join(tmp, 'newer-schema.backup');
      rewriteBackupHeader(file, newerSchema, (h) => (h.migrations as string[]).push('2099-01-01T0000-from-the-future'));
      assert.equal((await runCli(['backup', 'verify', newerSchema], {})).code, 0, 'a consistent file, only newer');
      const r = await runCli(['restore', newerSchema], embedded('from-the-future'));
      assert.equal(r.code, 1);
      assert.match(r.stderr, /made by a newer version of Embargo.*2099-01-01T0000-from-the-future.*Nothing was changed/s);
      const tables = await withEmbedded('from-the-future', async (db) => (await db.introspection.getTables()).length);
      assert.equal(tables, 0, 'the target was not touched');
    });
  });

  describe('from PostgreSQL, a consistent snapshot while writes continue, into the embedded database', () => {
    let source: EmptyPostgres;
    const file = path.join(tmp, 'postgres.backup');
    let seeded: string[] = [];

    before(async () => {
      source = await emptyPostgres();
      await migrateToLatest(source.db);
      await syncPrograms(source.db, [demoProgram]);
      const lead = await createStaffUser(source.db, { email: 'lead@example.com', displayName: 'Lead', password: 'a long passphrase for the drill', role: 'lead' });
      for (let n = 1; n <= 5; n++) await makeReport(source.db, { title: `Seeded report ${n}` }, vault);
      await seedThreadsAndAdvisories(source.db, vault, lead.id, 'https://embargo.example');
      seeded = (await source.db.selectFrom('reports').select('reference').orderBy('reference').execute()).map((r) => r.reference);
    });
    after(async () => {
      await source?.close();
    });

    it('backs up with the CLI while reports are submitted, and the embedded restore matches the snapshot exactly', async () => {
      let stop = false;
      let written = 0;
      const load = (async () => {
        while (!stop) {
          await makeReport(source.db, { title: `Concurrent report ${written}` }, vault);
          written++;
        }
      })();
      const backup = await runCli(['backup', '--out', file], { DATABASE_URL: source.url, EMBARGO_SECRET: drillSecret });
      stop = true;
      await load;
      assert.equal(backup.code, 0, backup.stderr);
      assert.ok(written > 0, 'reports were written during the backup');
      const restore = await runCli(['restore', file], embedded('from-postgres'));
      assert.equal(restore.code, 0, restore.stderr);
      const original = await reportFingerprints(source.db);
      const restored = await withEmbedded('from-postgres', reportFingerprints);
      for (const [reference, fp] of restored) assert.equal(fp, original.get(reference), `${reference} is restored whole and unchanged`);
      assert.ok(restored.size >= 5, 'the seeded reports are in the backup');
      await withEmbedded('from-postgres', (db) => assertOpenedAlike(source.db, db, seeded));
    });
  });
});
