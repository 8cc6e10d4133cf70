import { ReportVault } from './crypto/report-vault.ts';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { listenAdminSocket } from './admin/admin-socket.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { migrateToLatest, openDatabase, type OpenDatabase } from './db/database.ts';
import { startEmbeddedMaintenance, watchFreeSpace } from './db/maintenance.ts';
import { createJobHandlers } from './jobs/handlers.ts';
import { createWorker, type Worker } from './jobs/worker.ts';
import { createMetrics } from './ops/metrics.ts';
import { startOperations } from './ops/start-operations.ts';
import { ensureProgramKeys } from './keys/ensure-program-keys.ts';
import { createMailer } from './mail/mailer.ts';
import { startMailIntake, type MailIntake } from './mail-intake/start-intake.ts';
import { syncPrograms } from './programs/programs.ts';
import { scheduleSlaSweep } from './sla-reminders/sla-sweep.ts';
import type { InstanceSecret } from './secrets/instance-secret.ts';
import { openInstanceSecret } from './secrets/open-instance-secret.ts';
import { issueSetupToken } from './staff/setup-token.ts';
import { countStaffUsers } from './staff/staff-users.ts';
import { sealLegacyMailAddresses } from './mail/seal-legacy-addresses.ts';
import { sealLegacyReportTexts } from './reports/seal-legacy-report-texts.ts';
import { sealLegacyInboundDigests } from './mail-intake/seal-legacy-inbound-digests.ts';
import { createApp } from './web/app.ts';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  worker: Worker;
  /** Port actually bound (useful with PORT=0). */
  port: number;
  /** Port of the SMTP listener when EMBARGO_SMTP_LISTEN is set. */
  smtpPort: number | undefined;
  /** Settles when the embedded database failed for good; `embargo serve` then exits for a supervisor to restart it. */
  failed: Promise<unknown>;
  close(): Promise<void>;
}

/** Migrations, programs from the config, their OpenPGP keys, and the first-admin link when there is no staff yet. */
export async function prepareDatabase(database: OpenDatabase, config: Config, logger: Logger, secret: InstanceSecret): Promise<void> {
  await migrateToLatest(database.db);
  // The policy has one owner; a file policy the editor has taken over is ignored, and the operator hears which sections differ.
  for (const warning of await syncPrograms(database.db, config.programs)) logger.warn(warning);
  await ensureProgramKeys(database.db, secret, config.programs.map((p) => p.slug), logger);
  const legacy = await sealLegacyMailAddresses(database.db, secret);
  if (legacy > 0) logger.info({ rows: legacy }, 'sealed e-mail addresses stored in clear by an earlier version');
  const legacyTexts = await sealLegacyReportTexts(database.db, new ReportVault(secret));
  if (legacyTexts > 0) logger.info({ rows: legacyTexts }, 'sealed event reasons and attachment digests stored in clear by an earlier version');
  const legacyMail = await sealLegacyInboundDigests(database.db, secret);
  if (legacyMail > 0) logger.info({ rows: legacyMail }, 'sealed received mail digests stored in clear by an earlier version');
  // The SLA sweep reschedules itself after each run; this starts the chain (a no-op when one is waiting).
  await scheduleSlaSweep(database.db);
  if ((await countStaffUsers(database.db)) === 0) {
    const token = await issueSetupToken(database.db);
    // Deliberately logged once: it is how the operator gets in. It works once and expires in 24 h.
    logger.warn(`No staff account exists yet. Create the first administrator here (one-time link, valid 24 hours): ${config.baseUrl}/staff/setup/${token}`);
  }
}

/** Wires everything by hand and starts listening: the `embargo serve` role. */
export async function startServer(config: Config, logger: Logger, options: { worker?: boolean } = {}): Promise<RunningServer> {
  let onFailed: (err: unknown) => void = () => {};
  const failed = new Promise<unknown>((resolve) => (onFailed = resolve));
  const database = await openDatabase(config.database, { logger, onFailed: (err) => onFailed(err), moveFromPglite: true });
  let adminSocket: { close(): Promise<void> } | undefined;
  let mailIntake: MailIntake | undefined;
  let operations: { close(): Promise<void> } | undefined;
  try {
    const secret = openInstanceSecret(config, logger);
    await prepareDatabase(database, config, logger, secret);
    const ctx: AppContext = {
      config,
      db: database.db,
      logger,
      mailer: createMailer(config.mail.smtpUrl, config.mail.from, { timeoutSeconds: config.mail.smtpTimeoutSeconds }),
      defaultProgramSlug: config.programs[0]!.slug,
      secret,
      vault: new ReportVault(secret),
      metrics: createMetrics(database.db),
    };
    const app = await createApp(ctx);
    const worker = createWorker({ db: database.db, handlers: createJobHandlers(ctx), logger, heartbeat: { staleSeconds: config.workerStaleSeconds } });
    const runWorker = options.worker ?? config.runWorkerInWeb;
    if (runWorker) worker.start();
    operations = await startOperations(ctx);
    // PGlite has no autovacuum; the embedded PostgreSQL has its own.
    const maintenance = database.engine === 'pglite' ? startEmbeddedMaintenance(database.db, logger) : undefined;
    // The embedded database lives in the data directory: say so before its disk fills up.
    const diskWatch = database.kind === 'embedded' ? watchFreeSpace(config.dataDir, logger) : undefined;
    if (config.database.kind === 'embedded') {
      adminSocket = await listenAdminSocket(config.dataDir, database.db, (err) => logger.error({ err }, 'admin command failed'), secret);
    }
    // The SMTP listener where EMBARGO_SMTP_LISTEN is set; the IMAP poller only where the worker runs.
    mailIntake = await startMailIntake(ctx, { imap: runWorker });
    await app.listen({ port: config.http.port, host: config.http.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    logger.info({ url: config.baseUrl, database: database.kind, worker: runWorker }, 'Embargo is running');
    let closed = false;
    return {
      app,
      ctx,
      worker,
      port,
      smtpPort: mailIntake.smtpPort,
      failed,
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await mailIntake?.close();
        maintenance?.stop();
        diskWatch?.stop();
        await worker.stop();
        await operations?.close();
        await adminSocket?.close();
        ctx.mailer?.close();
        await database.close();
      },
    };
  } catch (err) {
    await mailIntake?.close();
    await operations?.close();
    await adminSocket?.close();
    await database.close();
    throw err;
  }
}
