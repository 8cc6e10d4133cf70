import { parseArgs } from 'node:util';
import type { AdminCommand } from '../../admin/admin-socket.ts';
import { TOKEN_USAGE } from '../../cli/usage.ts';
import { runOperatorCommand } from '../../cli/operator-command.ts';
import type { Config } from '../../config.ts';

/** `embargo token create|list|revoke`; the program defaults to the first one in the config. */
export async function tokenCommand(config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { name: { type: 'string' }, scope: { type: 'string', multiple: true }, program: { type: 'string' } },
      strict: true,
    });
  } catch (err) {
    return usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  const program = values.program ?? config.programs[0]!.slug;
  let command: AdminCommand;
  if (sub === 'create' && positionals.length === 0) {
    if (!values.name) return usage('embargo token create: --name is required.');
    command = { command: 'token-create', program, name: values.name, scopes: values.scope ?? ['reports:submit'] };
  } else if (sub === 'revoke' && positionals.length === 1) {
    command = { command: 'token-revoke', program, token: positionals[0]! };
  } else if (sub === 'list' && positionals.length === 0) {
    command = { command: 'token-list', program };
  } else {
    return usage();
  }

  const answer = await runOperatorCommand(config, command);
  if (!answer.ok) {
    console.error(`Could not ${sub} the token: ${answer.error}`);
    for (const [field, message] of Object.entries(answer.fields ?? {})) console.error(`  ${field}: ${message}`);
    return 1;
  }
  if (sub === 'create') {
    // Only the token on standard output, so `TOKEN=$(embargo token create …)` works; the rest is for the person.
    console.error(`Created API token "${values.name}" (id ${answer.id}) for program ${program} with scopes: ${answer.scopes?.join(', ')}.`);
    console.error('Store it now: it is shown only this once.');
    console.log(answer.token);
  } else if (sub === 'revoke') {
    console.log(`Revoked API token ${positionals[0]} (id ${answer.id}).`);
  } else {
    const tokens = answer.tokens ?? [];
    if (tokens.length === 0) console.log(`Program ${program} has no API tokens.`);
    for (const t of tokens) {
      const status = t.revokedAt ? `revoked ${t.revokedAt}` : `${t.creatorDeactivated ? 'refused (creator deactivated), ' : ''}last used ${t.lastUsedAt ?? 'never'}`;
      console.log(`${t.id}  ${t.name}  [${t.scopes.join(' ')}]  created ${t.createdAt} by ${t.createdBy ?? 'CLI'}  ${status}`);
    }
  }
  return 0;
}

function usage(problem?: string): number {
  if (problem) console.error(problem);
  console.error(`Usage:\n${TOKEN_USAGE}`);
  return 2;
}
