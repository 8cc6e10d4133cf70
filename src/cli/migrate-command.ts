import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { migrateToLatest, migrationStatus, openDatabase } from '../db/database.ts';

/** `embargo migrate [--dry-run]`. */
export async function migrate(config: Config, args: readonly string[] = []): Promise<number> {
  let dryRun: boolean;
  try {
    dryRun = parseArgs({ args: [...args], options: { 'dry-run': { type: 'boolean', default: false } }, strict: true }).values['dry-run'] ?? false;
  } catch (err) {
    console.error(`embargo migrate: ${(err as Error).message}. Usage: embargo migrate [--dry-run]`);
    return 2;
  }
  const database = await openDatabase(config.database, { poolSize: 1 });
  try {
    const status = await migrationStatus(database.db);
    if (status.unknown.length > 0) {
      // Kysely would refuse too, less clearly; running older code on a newer schema is how data gets damaged.
      console.error(`The database was migrated by a newer version of Embargo: it ran ${status.unknown.join(', ')}, which this version does not have. Run the newer version (or restore a backup made by this one).`);
      return 1;
    }
    if (dryRun) {
      if (status.pending.length === 0) {
        console.log(`The database is up to date (${status.applied} migrations applied); nothing would run.`);
      } else {
        console.log(`${status.applied} migrations applied; ${status.pending.length} would run, in this order:`);
        for (const name of status.pending) console.log(`  ${name}`);
        console.log('Nothing was changed (--dry-run).');
      }
      return 0;
    }
    const result = await migrateToLatest(database.db);
    const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
    console.log(`Migrations applied: ${applied.length}`);
    for (const name of applied) console.log(`  ${name}`);
    return 0;
  } finally {
    await database.close();
  }
}
