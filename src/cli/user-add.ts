import { parseArgs } from 'node:util';
import type { AdminCommand } from '../admin/admin-socket.ts';
import type { Config } from '../config.ts';
import { runOperatorCommand } from './operator-command.ts';
import { readPassword } from './read-password.ts';

/** `embargo user add --email E --role R [--name N]`; the password from standard input or a prompt. */
export async function userAdd(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
    strict: true,
  });
  if (!values.email || !values.role) {
    console.error('embargo user add: --email and --role are required.');
    return 2;
  }
  const password = await readPassword(`Password for ${values.email}: `);
  const command = {
    command: 'user-add',
    user: { email: values.email, role: values.role, displayName: values.name ?? values.email.split('@')[0] ?? values.email, password },
  } as AdminCommand;
  const answer = await runOperatorCommand(config, command);
  if (!answer.ok) {
    console.error(`Could not create the account: ${answer.error}`);
    for (const [field, message] of Object.entries(answer.fields ?? {})) console.error(`  ${field}: ${message}`);
    return 1;
  }
  console.log(`Created ${values.role} account ${values.email}.`);
  return 0;
}
