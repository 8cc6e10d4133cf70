import { migrateToLatest, openPglite, type Db } from '../../src/db/database.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { emptyPostgres } from './empty-postgres.ts';
import { pgliteTemplate } from './pglite-template.ts';
import { postgresTemplate } from './postgres-template.ts';
import { requirePeer, TEST_PG_URL } from './peers.ts';

export { TEST_PG_URL };

export interface TestDatabase {
  db: Db;
  close(): Promise<void>;
}

export type DatabaseKind = 'pglite' | 'postgres';

/** A fresh, migrated database of the given kind, with the demo program. */
export async function freshDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') return openPglite(undefined, { loadDataDir: await pgliteTemplate() });
  const template = await postgresTemplate();
  if (template) return emptyPostgres({ poolSize: 10, template });
  const opened = await freshPostgres();
  await migrateToLatest(opened.db);
  await syncPrograms(opened.db, [demoProgram]);
  return opened;
}

function freshPostgres(): Promise<TestDatabase> {
  return emptyPostgres({ poolSize: 10 });
}

/**
 * The database kinds to run against: PGlite and PostgreSQL. A missing
 * PostgreSQL fails the file unless EMBARGO_TEST_SKIP=postgres allows it.
 */
export async function databaseKinds(): Promise<DatabaseKind[]> {
  return (await requirePeer('postgres')) ? ['pglite', 'postgres'] : ['pglite'];
}
