import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { runAdminCommand, sendAdminCommand, type AdminAnswer, type AdminCommand } from '../../admin/admin-socket.ts';
import type { Config } from '../../config.ts';
import { migrateToLatest, openDatabase } from '../../db/database.ts';
import { lockHolder } from '../../db/embedded-lock.ts';

export const RESET_SECOND_FACTOR_USAGE = `  user reset-second-factor --email E
                             Remove a locked-out staff member's second factor and recovery
                             codes and end their sessions; they sign in with their password
                             and set up a new authenticator`;

/**
 * `embargo user reset-second-factor --email E`: through the running server's
 * admin socket on the embedded database, else directly on the database.
 * Writes an audit line (who, never a secret) to the log.
 */
export async function resetSecondFactorCli(config: Config, logger: Logger, args: string[]): Promise<number> {
  let email: string | undefined;
  try {
    email = parseArgs({ args, options: { email: { type: 'string' } }, strict: true }).values.email;
  } catch (err) {
    console.error((err as Error).message);
  }
  if (!email) {
    console.error(`embargo user reset-second-factor: --email is required.\nUsage:\n${RESET_SECOND_FACTOR_USAGE}`);
    return 2;
  }
  const command: AdminCommand = { command: 'user-reset-second-factor', email };
  const viaSocket = config.database.kind === 'embedded' && lockHolder(config.dataDir) !== undefined;
  let answer: AdminAnswer;
  if (viaSocket) {
    // The server holds the embedded database: ask it rather than opening the files.
    answer = await sendAdminCommand(config.dataDir, command);
  } else {
    const database = await openDatabase(config.database, { poolSize: 1 });
    try {
      await migrateToLatest(database.db);
      answer = await runAdminCommand(database.db, command);
    } finally {
      await database.close();
    }
  }
  if (!answer.ok) {
    console.error(`Could not reset the second factor: ${answer.error}`);
    return 1;
  }
  logger.warn({ audit: 'second-factor-reset', userId: answer.id, email, hadSecondFactor: answer.hadSecondFactor, via: viaSocket ? 'admin socket' : 'database' }, 'second factor reset by an operator');
  console.log(
    answer.hadSecondFactor
      ? `Removed the second factor of ${email} and ended their sessions. They sign in with their password and can set up a new authenticator.`
      : `${email} had no second factor; their sessions were ended.`,
  );
  return 0;
}
