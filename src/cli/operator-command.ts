import type { Logger } from 'pino';
import { sendAdminCommand } from '../admin/admin-client.ts';
import type { AdminAnswer, AdminCommand } from '../admin/admin-socket.ts';
import type { Config } from '../config.ts';
import { lockHolder } from '../db/embedded-lock.ts';

/** Whether the running server holds the embedded database, so commands must go through its admin socket. */
export function serverHoldsDatabase(config: Config): boolean {
  return config.database.kind === 'embedded' && lockHolder(config.dataDir) !== undefined;
}

/**
 * Runs an operator command (`user add`, `token`, `key`, …) where the data is:
 * through the running server's admin socket when it holds the embedded
 * database (only one process may open it), else directly on the database,
 * migrated and with the config's programs, so an account or token gets every
 * program. `logger` is given by commands that say where the instance secret is.
 */
export async function runOperatorCommand(config: Config, command: AdminCommand, withSecret?: { logger: Logger }): Promise<AdminAnswer> {
  if (serverHoldsDatabase(config)) return sendAdminCommand(config.dataDir, command);
  // Only this path needs the database, the commands and the secret: a command sent to the running server
  // loads none of them (a second instead of a tenth of one).
  const [{ default: pino }, { runAdminCommand }, { migrateToLatest, openDatabase }, { syncPrograms }, { openInstanceSecret }] = await Promise.all([
    import('pino'),
    import('../admin/admin-socket.ts'),
    import('../db/database.ts'),
    import('../programs/programs.ts'),
    import('../secrets/open-instance-secret.ts'),
  ]);
  // Every command that changes something writes an audit log entry, chained with a key from the secret.
  const secret = openInstanceSecret(config, withSecret?.logger ?? pino({ level: 'warn' }, pino.destination(2)));
  const database = await openDatabase(config.database, { poolSize: 1 });
  try {
    await migrateToLatest(database.db);
    await syncPrograms(database.db, config.programs);
    return await runAdminCommand(database.db, command, secret);
  } finally {
    await database.close();
  }
}
