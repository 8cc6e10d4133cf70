import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import type { AdminCommand } from '../../admin/admin-socket.ts';
import { runOperatorCommand, serverHoldsDatabase } from '../../cli/operator-command.ts';
import { RESET_SECOND_FACTOR_USAGE } from '../../cli/usage.ts';
import type { Config } from '../../config.ts';

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
  const viaSocket = serverHoldsDatabase(config);
  const answer = await runOperatorCommand(config, command);
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
