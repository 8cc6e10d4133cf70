#!/usr/bin/env node
// The `embargo` entry point. It imports only the help text up front; each
// command loads its own modules, so `embargo help` starts in a fraction of a
// second and `embargo user add` does not load the web server.
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { USAGE } from './cli/usage.ts';

// V8's compiled code for the modules each command loads, kept between runs (Node 22.1+): starting
// `embargo serve` or a CLI command spends most of its CPU compiling the same JavaScript every time.
// Only for the compiled dist/ (tests and development run the TypeScript through tsx). The cache is
// per user, never a shared temp directory: what is in it runs. NODE_COMPILE_CACHE chooses another
// place; an unwritable one only means no cache.
if (import.meta.url.endsWith('.js') && !process.env.NODE_COMPILE_CACHE) {
  module.enableCompileCache?.(path.join(os.homedir(), '.cache', 'embargo', 'node-compile-cache'));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'init') return (await import('./cli/init-example.ts')).initCommand(rest, process.env.EMBARGO_CONFIG);
  const { loadConfig } = await import('./config.ts');
  const { createLogger } = await import('./logger.ts');
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  switch (command) {
    case 'serve':
      return (await import('./cli/serve-command.ts')).serve(config, logger);
    case 'worker':
      return (await import('./cli/serve-command.ts')).runWorker(config, logger);
    case 'migrate':
      return (await import('./cli/migrate-command.ts')).migrate(config, rest);
    case 'user':
      if (rest[0] === 'add') return (await import('./cli/user-add.ts')).userAdd(config, rest.slice(1));
      if (rest[0] === 'reset-second-factor') return (await import('./staff/second-factor/reset-cli.ts')).resetSecondFactorCli(config, logger, rest.slice(1));
      if (rest[0] === 'list' || rest[0] === 'set-role' || rest[0] === 'deactivate' || rest[0] === 'reactivate') return (await import('./cli/user-command.ts')).userCommand(config, rest);
      break;
    case 'key':
      // EMBARGO_KEY_PASSPHRASE: passphrase of the key given to `key import`; read here, as the entry point.
      return (await import('./cli/key-command.ts')).keyCommand(config, logger, rest, process.env.EMBARGO_KEY_PASSPHRASE);
    case 'backup':
      return (await import('./cli/backup-command.ts')).backupCommand(config, logger, rest);
    case 'restore':
      return (await import('./cli/backup-command.ts')).restoreCommand(config, logger, rest);
    case 'audit':
      return (await import('./audit/audit-cli.ts')).auditCommand(config, logger, rest);
    case 'token':
      return (await import('./api/tokens/token-cli.ts')).tokenCommand(config, rest);
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    const { ConfigError } = await import('./config.ts');
    if (err instanceof ConfigError) console.error(err.message);
    // A thrown non-Error (or one without a message) still says what happened.
    else console.error(`embargo: ${err instanceof Error ? err.message || err.stack : String(err)}`);
    process.exit(1);
  },
);
