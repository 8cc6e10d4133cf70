#!/usr/bin/env node
import { ReportVault } from './crypto/report-vault.ts';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runAdminCommand, sendAdminCommand, type AdminAnswer, type AdminCommand } from './admin/admin-socket.ts';
import { TOKEN_USAGE, tokenCommand } from './api/tokens/token-cli.ts';
import { exampleNames, initExample } from './cli/init-example.ts';
import { KEY_USAGE, keyCommand } from './cli/key-command.ts';
import { readPassword } from './cli/read-password.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { migrateToLatest, openDatabase } from './db/database.ts';
import { lockHolder } from './db/embedded-lock.ts';
import { createJobHandlers } from './jobs/handlers.ts';
import { createWorker } from './jobs/worker.ts';
import { createLogger } from './logger.ts';
import { createMailer } from './mail/mailer.ts';
import { startMailIntake } from './mail-intake/start-intake.ts';
import { syncPrograms } from './programs/programs.ts';
import { openInstanceSecret, prepareDatabase, startServer } from './server.ts';
import { RESET_SECOND_FACTOR_USAGE, resetSecondFactorCli } from './staff/second-factor/reset-cli.ts';

const USAGE = `Usage: embargo <command>

Commands:
  serve                      Run the web server (and, on the embedded database, the worker)
  worker                     Run the background job worker only (PostgreSQL deployments)
  migrate                    Apply database migrations and exit
  init --example NAME [--force]
                             Write ./embargo.config.json from a shipped example program
                             (examples: gateway-vendor, fraud-platform)
  user add --email E --role R [--name N]
                             Create a staff account; the password is read from standard input
                             (or prompted). Roles: admin, lead, triager, viewer.
${RESET_SECOND_FACTOR_USAGE}
${KEY_USAGE}
${TOKEN_USAGE}

Configuration comes from the environment; see docs/configuration.md.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'init') return init(rest);
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  switch (command) {
    case 'serve':
      return serve(config, logger);
    case 'worker':
      return runWorker(config, logger);
    case 'migrate': {
      const database = await openDatabase(config.database);
      try {
        const result = await migrateToLatest(database.db);
        console.log(`Migrations applied: ${result.results?.filter((r) => r.status === 'Success').length ?? 0}`);
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'user':
      if (rest[0] === 'add') return userAdd(config, rest.slice(1));
      if (rest[0] === 'reset-second-factor') return resetSecondFactorCli(config, logger, rest.slice(1));
      break;
    case 'key':
      // EMBARGO_KEY_PASSPHRASE: passphrase of the key given to `key import`; read here, as the entry point.
      return keyCommand(config, logger, rest, process.env.EMBARGO_KEY_PASSPHRASE);
    case 'token':
      return tokenCommand(config, rest);
  }
  console.error(USAGE);
  return 2;
}

function init(args: string[]): number {
  const { values } = parseArgs({ args, options: { example: { type: 'string' }, force: { type: 'boolean', default: false } }, strict: true });
  if (!values.example) {
    console.error(`embargo init: --example is required (one of: ${exampleNames().join(', ')}).`);
    return 2;
  }
  const target = path.resolve(process.env.EMBARGO_CONFIG ?? 'embargo.config.json');
  const result = initExample(values.example, target, values.force ?? false);
  if (!result.ok) {
    console.error(`embargo init: ${result.error}`);
    return 1;
  }
  console.log(`Wrote ${target} from the "${values.example}" example. Edit it, then start Embargo.`);
  return 0;
}

async function serve(config: Config, logger: ReturnType<typeof createLogger>): Promise<number> {
  const server = await startServer(config, logger);
  await waitForSignal();
  logger.info('shutting down');
  await server.close();
  return 0;
}

async function runWorker(config: Config, logger: ReturnType<typeof createLogger>): Promise<number> {
  if (config.database.kind === 'embedded') {
    console.error('On the embedded database the worker runs inside `embargo serve`. Set DATABASE_URL to run workers separately.');
    return 2;
  }
  const database = await openDatabase(config.database, { onIdleError: (err) => logger.warn({ err: err.message }, 'database connection lost') });
  const secret = openInstanceSecret(config, logger);
  await prepareDatabase(database, config, logger, secret);
  const ctx = { config, db: database.db, logger, mailer: createMailer(config.mail.smtpUrl, config.mail.from), defaultProgramSlug: config.programs[0]!.slug, secret, vault: new ReportVault(secret) };
  const worker = createWorker({ db: database.db, handlers: createJobHandlers(ctx), logger });
  worker.start();
  const mailIntake = await startMailIntake(ctx, { imap: true });
  logger.info('worker running');
  await waitForSignal();
  await mailIntake.close();
  await worker.stop();
  ctx.mailer?.close();
  await database.close();
  return 0;
}

async function userAdd(config: Config, args: string[]): Promise<number> {
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

  let answer: AdminAnswer;
  if (config.database.kind === 'embedded' && lockHolder(config.dataDir) !== undefined) {
    // The server holds the embedded database: ask it rather than opening the files.
    answer = await sendAdminCommand(config.dataDir, command);
  } else {
    const database = await openDatabase(config.database, { poolSize: 1 });
    try {
      await migrateToLatest(database.db);
      await syncPrograms(database.db, config.programs); // so the account gets a role in every program
      answer = await runAdminCommand(database.db, command);
    } finally {
      await database.close();
    }
  }
  if (!answer.ok) {
    console.error(`Could not create the account: ${answer.error}`);
    for (const [field, message] of Object.entries(answer.fields ?? {})) console.error(`  ${field}: ${message}`);
    return 1;
  }
  console.log(`Created ${values.role} account ${values.email}.`);
  return 0;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(`embargo: ${(err as Error).message}`);
    process.exit(1);
  },
);
