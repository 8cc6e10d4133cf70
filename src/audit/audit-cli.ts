import type { Logger } from 'pino';
import { runOperatorCommand } from '../cli/operator-command.ts';
import { AUDIT_USAGE } from '../cli/usage.ts';
import type { Config } from '../config.ts';

/**
 * `embargo audit verify`: checks the audit log's chain, through the running
 * server when it holds the embedded database. Exit 0 when it holds, 1 with the
 * first broken link when it does not.
 */
export async function auditCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  if (args[0] !== 'verify' || args.length > 1) {
    console.error(`Usage:\n${AUDIT_USAGE}`);
    return 2;
  }
  const answer = await runOperatorCommand(config, { command: 'audit-verify' }, { logger });
  if (!answer.ok || !answer.audit) {
    console.error(`Could not verify the audit log: ${answer.ok ? 'no answer' : answer.error}`);
    return 1;
  }
  const v = answer.audit;
  const range = v.firstSeq ? `entries ${v.firstSeq} to ${v.lastSeq ?? v.firstSeq}` : 'no entries';
  if (!v.broken) {
    console.log(`Audit log verified: ${v.entries} entries (${range}), chain intact.`);
    console.log(`Head hash: ${v.headHash} (note it elsewhere to detect later removal of the newest entries)`);
    return 0;
  }
  console.log(`Audit log BROKEN at entry ${v.broken.seq}: ${v.broken.reason}.`);
  console.log(`${v.entries} entries before it verified${v.firstSeq ? ` (from entry ${v.firstSeq})` : ''}.`);
  return 1;
}
