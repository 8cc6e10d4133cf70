import { parseArgs } from 'node:util';
import { runAdminCommand, sendAdminCommand, type AdminAnswer, type AdminCommand } from '../../admin/admin-socket.ts';
import type { Config } from '../../config.ts';
import { migrateToLatest, openDatabase } from '../../db/database.ts';
import { lockHolder } from '../../db/embedded-lock.ts';
import { syncPrograms } from '../../programs/programs.ts';
import { API_SCOPES } from './token-scopes.ts';

export const TOKEN_USAGE = `  token create --name NAME [--scope SCOPE ...] [--program SLUG]
                             Create an API token (default scope: reports:submit; scopes:
                             ${API_SCOPES.join(', ')}). The token alone goes to standard
                             output, once; it is not stored and cannot be shown again
  token list [--program SLUG]
                             List the program's API tokens (never the tokens themselves)
  token revoke ID|NAME [--program SLUG]
                             Revoke a token; requests with it are refused from then on`;

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

  const answer = await run(config, command);
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
      const status = t.revokedAt ? `revoked ${t.revokedAt}` : `last used ${t.lastUsedAt ?? 'never'}`;
      console.log(`${t.id}  ${t.name}  [${t.scopes.join(' ')}]  created ${t.createdAt} by ${t.createdBy ?? 'CLI'}  ${status}`);
    }
  }
  return 0;
}

async function run(config: Config, command: AdminCommand): Promise<AdminAnswer> {
  if (config.database.kind === 'embedded' && lockHolder(config.dataDir) !== undefined) {
    // The server holds the embedded database: ask it rather than opening the files.
    return sendAdminCommand(config.dataDir, command);
  }
  const database = await openDatabase(config.database, { poolSize: 1 });
  try {
    await migrateToLatest(database.db);
    await syncPrograms(database.db, config.programs);
    return await runAdminCommand(database.db, command);
  } finally {
    await database.close();
  }
}

function usage(problem?: string): number {
  if (problem) console.error(problem);
  console.error(`Usage:\n${TOKEN_USAGE}`);
  return 2;
}
