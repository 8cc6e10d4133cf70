import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { ReportVault } from './crypto/report-vault.ts';
import type { Db } from './db/database.ts';
import type { Mailer } from './mail/mailer.ts';
import type { Metrics } from './ops/metrics.ts';
import type { InstanceSecret } from './secrets/instance-secret.ts';

/** Everything a request or job needs, wired by hand in one place (src/server.ts). */
export interface AppContext {
  config: Config;
  db: Db;
  logger: Logger;
  mailer: Mailer | undefined;
  /** The program public pages show; the first in the config. */
  defaultProgramSlug: string;
  /** Unlocks the program keys (signing security.txt, decrypting mail). */
  secret: InstanceSecret;
  /** Seals and opens report contents at rest (keys derived from `secret`). */
  vault: ReportVault;
  /** Prometheus metrics (src/ops/metrics.ts); absent in tests that do not look at them. */
  metrics?: Metrics;
}
