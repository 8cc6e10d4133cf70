import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type Db } from '../../src/db/database.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { runCli, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { emptyPostgres, type EmptyPostgres } from '../helpers/empty-postgres.ts';

async function signIn(url: string, email: string, password: string): Promise<number> {
  const page = await fetch(`${url}/staff/login`);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${url}/staff/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password }),
  });
  return res.status;
}

/** An attacker with the database only: the update trigger is no obstacle to them. */
async function tamper(db: Db, seq: number): Promise<string> {
  const row = await db.selectFrom('audit_log').select('details').where('seq', '=', String(seq)).executeTakeFirstOrThrow();
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(db);
  await sql`UPDATE audit_log SET outcome = 'ok', details = '{"reason":"nothing"}' WHERE seq = ${seq}`.execute(db);
  await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`.execute(db);
  return row.details;
}

async function restore(db: Db, seq: number, details: string): Promise<void> {
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(db);
  await sql`UPDATE audit_log SET outcome = 'refused', details = ${details} WHERE seq = ${seq}`.execute(db);
  await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`.execute(db);
}

for (const kind of await databaseKinds()) {
  describe(`embargo audit verify (${kind === 'pglite' ? 'embedded' : 'postgres'})`, () => {
    let server: EmbargoProcess | undefined;
    let pg: EmptyPostgres | undefined;
    after(async () => {
      await server?.stop();
      server?.removeFiles();
      await pg?.close();
    });

    it('verifies the chain while the server runs, and names the entry an edit or a deletion broke', async () => {
      const secret = randomBytes(32).toString('hex');
      if (kind === 'postgres') pg = await emptyPostgres();
      const dbEnv: Record<string, string> = { EMBARGO_SECRET: secret, ...(pg ? { DATABASE_URL: pg.url } : {}) };
      server = await startEmbargo({ env: dbEnv });
      const env = { EMBARGO_DATA_DIR: server.dataDir, EMBARGO_CONFIG: server.env.EMBARGO_CONFIG!, ...dbEnv };
      const pw = 'a very long passphrase';
      assert.equal((await runCli(['user', 'add', '--email', 'alice@example.com', '--role', 'admin', '--name', 'Alice'], env, `${pw}\n`)).code, 0);
      assert.equal(await signIn(server.baseUrl, 'alice@example.com', 'wrong password here'), 401);
      assert.equal(await signIn(server.baseUrl, 'alice@example.com', pw), 303);

      const ok = await runCli(['audit', 'verify'], env);
      assert.equal(ok.code, 0, ok.stderr + ok.stdout);
      assert.match(ok.stdout, /Audit log verified: 3 entries \(entries 1 to 3\), chain intact/);

      // Where the database is: reachable while the server runs on PostgreSQL; the embedded one is the server's alone.
      const withDb = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
        if (pg) return fn(pg.db);
        await server!.stop();
        const database = await openDatabase({ kind: 'embedded', dataDir: server!.dataDir });
        try {
          return await fn(database.db);
        } finally {
          await database.close();
        }
      };
      const actions = await withDb((db) => db.selectFrom('audit_log').select(['action', 'outcome']).orderBy('audit_log.seq').execute());
      assert.deepEqual(actions, [
        { action: 'staff.created', outcome: 'ok' },
        { action: 'sign-in', outcome: 'refused' },
        { action: 'sign-in', outcome: 'ok' },
      ]);

      // An edit: the refused sign-in made to look harmless.
      const original = await withDb((db) => tamper(db, 2));
      const edited = await runCli(['audit', 'verify'], env);
      assert.equal(edited.code, 1, edited.stdout + edited.stderr);
      assert.match(edited.stdout, /Audit log BROKEN at entry 2: its content does not match its hash/);
      assert.match(edited.stdout, /1 entries before it verified/);

      // Put back, the chain holds again; then a deletion.
      await withDb((db) => restore(db, 2, original));
      assert.equal((await runCli(['audit', 'verify'], env)).code, 0);
      await withDb((db) => db.deleteFrom('audit_log').where('seq', '=', '2').execute());
      const deleted = await runCli(['audit', 'verify'], env);
      assert.equal(deleted.code, 1, deleted.stdout + deleted.stderr);
      assert.match(deleted.stdout, /Audit log BROKEN at entry 3: entry 2 is missing before it/);
    });
  });
}
