import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import type { AdminCommand } from '../admin/admin-socket.ts';
import type { Config } from '../config.ts';
import { readImportableKey, KeyRejectedError } from '../keys/import-program-key.ts';
import { runOperatorCommand } from './operator-command.ts';
import { readPassword } from './read-password.ts';
import { KEY_USAGE } from './usage.ts';

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

  // The key is sealed under the instance secret, so this command needs it (the server has it already).
  const answer = await runOperatorCommand(config, command, { logger });
  if (!answer.ok) return fail(`Could not ${sub} the key: ${answer.error}`);
  for (const warning of answer.warnings ?? []) console.error(`Warning: ${warning}`);
  console.log(`${sub === 'generate' ? 'Generated' : 'Imported'} the OpenPGP key of program ${program}; it now signs security.txt and is published at /pgp-key.txt.`);
  console.log(`Fingerprint: ${answer.fingerprint ?? answer.id}`);
  return 0;
}

function fail(message: string): number {
  console.error(message);
  return 1;
}
