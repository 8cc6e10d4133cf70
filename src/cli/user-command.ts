import { parseArgs } from 'node:util';
import type { AdminCommand } from '../admin/admin-socket.ts';
import type { Config } from '../config.ts';
import { runOperatorCommand } from './operator-command.ts';
import { USER_MANAGE_USAGE } from './usage.ts';

/** `embargo user list|set-role|deactivate|reactivate`, through the running server's admin socket or directly on the database. */
export async function userCommand(config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  let values: { email?: string; role?: string; program?: string };
  try {
    values = parseArgs({ args: rest, options: { email: { type: 'string' }, role: { type: 'string' }, program: { type: 'string' } }, strict: true }).values;
  } catch (err) {
    return usage((err as Error).message);
  }
  let command: AdminCommand;
  if (sub === 'list') {
    command = { command: 'user-list' };
  } else if (sub === 'set-role') {
    if (!values.email || !values.role) return usage('embargo user set-role: --email and --role are required.');
    command = { command: 'user-set-role', email: values.email, role: values.role, program: values.program ?? config.programs[0]!.slug };
  } else if (sub === 'deactivate' || sub === 'reactivate') {
    if (!values.email) return usage(`embargo user ${sub}: --email is required.`);
    command = { command: sub === 'deactivate' ? 'user-deactivate' : 'user-reactivate', email: values.email };
  } else {
    return usage();
  }

  const answer = await runOperatorCommand(config, command);
  if (!answer.ok) {
    console.error(`embargo user ${sub}: ${answer.error}`);
    return 1;
  }
  if (sub === 'list') {
    const members = answer.members ?? [];
    if (members.length === 0) console.log('No staff accounts yet.');
    for (const m of members) {
      const roles = Object.entries(m.roles).map(([slug, role]) => `${slug}:${role}`).join(' ') || 'no role';
      console.log(`${m.email}\t${m.displayName}\t${m.status}\t${roles}`);
    }
  } else if (sub === 'set-role') {
    const program = command.command === 'user-set-role' ? command.program : '';
    console.log(answer.changed ? `${values.email} now has the role ${values.role} in ${program}.` : `${values.email} already had the role ${values.role} in ${program}.`);
  } else if (sub === 'deactivate') {
    console.log(answer.changed ? `Deactivated ${values.email}: their sessions ended and API tokens they created are refused.` : `${values.email} was already deactivated.`);
  } else {
    console.log(answer.changed ? `Reactivated ${values.email} with the roles they had.` : `${values.email} was already active.`);
  }
  return 0;
}

function usage(problem?: string): number {
  if (problem) console.error(problem);
  console.error(`Usage:\n${USER_MANAGE_USAGE}`);
  return 2;
}
