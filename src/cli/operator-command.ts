import pino, { type Logger } from 'pino';
import { runAdminCommand, sendAdminCommand, type AdminAnswer, type AdminCommand } from '../admin/admin-socket.ts';
import type { Config } from '../config.ts';
import { migrateToLatest, openDatabase } from '../db/database.ts';
import { lockHolder } from '../db/embedded-lock.ts';
import { syncPrograms } from '../programs/programs.ts';
import { openInstanceSecret } from '../server.ts';

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
