import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { sql } from 'kysely';
import { migrateToLatest } from '../../src/db/database.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { emptyPostgres, type EmptyPostgres } from '../helpers/empty-postgres.ts';
import { demo, makeReport } from '../helpers/factories.ts';
import { requirePeer } from '../helpers/peers.ts';

await requirePeer('postgres');

/**
 * References are numbered gaplessly per program and year through one counter
 * row, whose lock serialises every submission of a program. The submission
 * takes that lock as its last step, so concurrent submissions do all their
 * other work (sealing, inserts, events, spam and duplicate records) in
 * parallel and queue only for the numbering and the commit.
 */
describe('report numbering on PostgreSQL', () => {
  let db: EmptyPostgres;
  before(async () => {
    db = await emptyPostgres();
    await migrateToLatest(db.db);
    await syncPrograms(db.db, [demoProgram]);
    await makeReport(db.db); // the year's counter row exists
  });
  after(async () => {
    await db?.close();
  });

  it('takes the numbering lock last: a submission waiting for it has already written its report', async () => {
    const program = await demo(db.db);
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT last_number FROM report_counters WHERE program_id = $1 FOR UPDATE', [program.id]);
      const submission = makeReport(db.db, { title: 'Waiting for its number' });
      // The submission's backend, blocked on the counter row.
      let blocked: { pid: number } | undefined;
      for (let i = 0; i < 200 && !blocked; i++) {
        const r = await sql<{ pid: number }>`
          SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`.execute(db.db);
        blocked = r.rows[0];
        if (!blocked) await new Promise((res) => setTimeout(res, 25));
      }
      assert.ok(blocked, 'the submission waits for the counter row');
      const locks = await sql<{ relation: string }>`
        SELECT l.relation::regclass::text AS relation FROM pg_locks l
        WHERE l.pid = ${blocked.pid} AND l.locktype = 'relation' AND l.granted`.execute(db.db);
      const tables = locks.rows.map((r) => r.relation);
      assert.ok(tables.includes('reports'), `the report is already inserted while waiting (locks held: ${tables.join(', ')})`);
      assert.ok(tables.includes('report_events'), 'and its first event');
      await holder.query('ROLLBACK');
      const created = await submission;
      assert.match(created.reference, /-0002$/, 'numbered right after the one before: no gap');
    } finally {
      await holder.end();
    }
  });

  it('numbers 40 concurrent submissions 1…N without gaps or repeats, and a failed one leaves no gap', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => makeReport(db.db, { title: `Concurrent ${i}` })));
    const failed = makeReport(db.db, { policyVersion: 9999 }); // refused: not the current policy
    await assert.rejects(failed);
    await makeReport(db.db, { title: 'After the failure' });
    const refs = (await db.db.selectFrom('reports').select('reference').execute()).map((r) => Number(r.reference.split('-').at(-1)));
    assert.deepEqual(refs.sort((a, b) => a - b), Array.from({ length: refs.length }, (_, i) => i + 1));
  });
});
