import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { ReportVault } from '../crypto/report-vault.ts';
import { openDatabase } from '../db/database.ts';
import { createJobHandlers } from '../jobs/handlers.ts';
import { createWorker } from '../jobs/worker.ts';
import { createMailer } from '../mail/mailer.ts';
import { startMailIntake } from '../mail-intake/start-intake.ts';
import { compactHeap, moderateHeapGrowth, startIdleCompaction, type IdleCompaction } from '../ops/heap-compaction.ts';
import { createMetrics } from '../ops/metrics.ts';
import { startOperations } from '../ops/start-operations.ts';
import { openInstanceSecret } from '../secrets/open-instance-secret.ts';
import { prepareDatabase, startServer } from '../server.ts';

/** `embargo serve`: the web server (and the worker, on the embedded database) until SIGINT or SIGTERM. */
export async function serve(config: Config, logger: Logger): Promise<number> {
  const server = await startServer(config, logger);
  const idle = compactWhenIdle(logger);
  const failed = server.failed.then(() => 'failed' as const);
  const ended = await Promise.race([waitForSignal(), failed]);
  idle.stop();
  if (ended === 'failed') {
    // In-flight requests and health probes get 503 meanwhile; then a supervisor restarts us on a fresh PGlite.
    logger.error({ exitCode: EXIT_DATABASE_FAILED, inSeconds: FAILED_EXIT_GRACE_MS / 1000 }, 'exiting because the embedded database failed; a supervisor should restart Embargo');
    await new Promise((r) => setTimeout(r, FAILED_EXIT_GRACE_MS));
    await server.close();
    return EXIT_DATABASE_FAILED;
  }
  logger.info('shutting down');
  await server.close();
  return 0;
}

/** EX_TEMPFAIL from sysexits.h: a temporary failure, try again. */
export const EXIT_DATABASE_FAILED = 75;
const FAILED_EXIT_GRACE_MS = 5_000;

/** `embargo worker`: jobs and mail intake only, for deployments on PostgreSQL. */
export async function runWorker(config: Config, logger: Logger): Promise<number> {
  if (config.database.kind === 'embedded') {
    console.error('On the embedded database the worker runs inside `embargo serve`. Set DATABASE_URL to run workers separately.');
    return 2;
  }
  const database = await openDatabase(config.database, { logger });
  const secret = openInstanceSecret(config, logger);
  await prepareDatabase(database, config, logger, secret);
  const ctx = { config, db: database.db, logger, mailer: createMailer(config.mail.smtpUrl, config.mail.from, { timeoutSeconds: config.mail.smtpTimeoutSeconds }), defaultProgramSlug: config.programs[0]!.slug, secret, vault: new ReportVault(secret), metrics: createMetrics(database.db) };
  const worker = createWorker({ db: database.db, handlers: createJobHandlers(ctx), logger, heartbeat: { staleSeconds: config.workerStaleSeconds } });
  worker.start();
  const operations = await startOperations(ctx);
  const mailIntake = await startMailIntake(ctx, { imap: true });
  logger.info('worker running');
  const idle = compactWhenIdle(logger);
  await waitForSignal();
  idle.stop();
  await mailIntake.close();
  await worker.stop();
  await operations.close();
  ctx.mailer?.close();
  await database.close();
  return 0;
}

/**
 * Start-up's garbage goes at once; under load the heap stays within reach of what is alive; whatever a
 * burst of work grew goes once the process is idle again.
 */
function compactWhenIdle(logger: Logger): IdleCompaction {
  moderateHeapGrowth();
  compactHeap();
  return startIdleCompaction({
    onCompacted: (freed, ms) => logger.debug({ freedMb: Math.round(freed / 1048576), ms: Math.round(ms) }, 'idle: heap compacted'),
  });
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
