import type { Logger } from 'pino';
import { useAuditSecret } from '../audit/audit-keys.ts';
import type { Config } from '../config.ts';
import type { InstanceSecret } from './instance-secret.ts';
import { loadInstanceSecret } from './secret-file.ts';

/**
 * EMBARGO_SECRET, or the secret file kept apart from the data directory
 * (moved out of it for instances made by earlier versions); makes the data
 * directory private, and says at start where the secret is and what was done.
 */
export function openInstanceSecret(config: Config, logger: Logger): InstanceSecret {
  const { secret, notices } = loadInstanceSecret(
    config.instanceSecret,
    { secretFile: config.secretFile, dataDir: config.dataDir },
    { createDataDir: config.database.kind === 'embedded' },
  );
  for (const notice of notices) logger[notice.level](notice.msg);
  useAuditSecret(secret); // this process's audit log chain key (src/audit/audit-keys.ts)
  logger.info(`instance secret: ${secret.source} (back it up apart from the data directory and database backups)`);
  if (!config.instanceSecret && config.database.kind === 'postgres') {
    logger.warn(`EMBARGO_SECRET is not set; using ${secret.source}. Every process sharing this PostgreSQL database must use the same secret: set EMBARGO_SECRET (e.g. to the content of that file) for all of them.`);
  }
  return secret;
}
