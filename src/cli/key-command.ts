import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { runAdminCommand, sendAdminCommand, type AdminAnswer, type AdminCommand } from '../admin/admin-socket.ts';
import type { Config } from '../config.ts';
import { migrateToLatest, openDatabase } from '../db/database.ts';
import { lockHolder } from '../db/embedded-lock.ts';
import { readImportableKey, KeyRejectedError } from '../keys/import-program-key.ts';
import { syncPrograms } from '../programs/programs.ts';
import { openInstanceSecret } from '../server.ts';
import { readPassword } from './read-password.ts';

export const KEY_USAGE = `  key generate [--program SLUG]
                             Generate a new OpenPGP key for the program (default: the first);
                             the previous key is retired and kept to decrypt old mail
  key import --file KEY.asc [--program SLUG]
                             Use your own key (gpg --export-secret-keys --armor); its passphrase
                             comes from EMBARGO_KEY_PASSPHRASE, standard input, or a prompt`;

/**
 * `embargo key generate|import`. `passphraseFromEnv` is EMBARGO_KEY_PASSPHRASE,
 * read by the entry point: the passphrase of the key being imported, used once
 * to unlock it and never stored.
 */
export async function keyCommand(config: Config, logger: Logger, args: string[], passphraseFromEnv: string | undefined): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { program: { type: 'string' }, file: { type: 'string' } }, strict: true });
  const program = values.program ?? config.programs[0]!.slug;
  let command: AdminCommand;
  if (sub === 'generate') {
    command = { command: 'key-generate', program };
  } else if (sub === 'import') {
    if (!values.file) {
      console.error('embargo key import: --file is required (an armored secret key: gpg --export-secret-keys --armor <fingerprint>).');
      return 2;
    }
    const armored = readFileSync(values.file, 'utf8');
    let encrypted: boolean;
    try {
      encrypted = !(await readImportableKey(armored)).isDecrypted(); // refuse unusable keys before asking for a passphrase
    } catch (err) {
      if (err instanceof KeyRejectedError) return fail(`Could not import ${values.file}: ${err.message}`);
      throw err;
    }
    const passphrase = encrypted ? (passphraseFromEnv ?? (await readPassword(`Passphrase of ${values.file}: `))) : undefined;
    command = { command: 'key-import', program, armored, ...(passphrase !== undefined ? { passphrase } : {}) };
  } else {
    console.error(`Usage:\n${KEY_USAGE}`);
    return 2;
  }

  const answer = await run(config, logger, command);
  if (!answer.ok) return fail(`Could not ${sub} the key: ${answer.error}`);
  for (const warning of answer.warnings ?? []) console.error(`Warning: ${warning}`);
  console.log(`${sub === 'generate' ? 'Generated' : 'Imported'} the OpenPGP key of program ${program}; it now signs security.txt and is published at /pgp-key.txt.`);
  console.log(`Fingerprint: ${answer.fingerprint ?? answer.id}`);
  return 0;
}

async function run(config: Config, logger: Logger, command: AdminCommand): Promise<AdminAnswer> {
  if (config.database.kind === 'embedded' && lockHolder(config.dataDir) !== undefined) {
    // The server holds the embedded database and the secret: ask it rather than opening the files.
    return sendAdminCommand(config.dataDir, command);
  }
  const secret = openInstanceSecret(config, logger);
  const database = await openDatabase(config.database, { poolSize: 1 });
  try {
    await migrateToLatest(database.db);
    await syncPrograms(database.db, config.programs);
    return await runAdminCommand(database.db, command, secret);
  } finally {
    await database.close();
  }
}

function fail(message: string): number {
  console.error(message);
  return 1;
}
