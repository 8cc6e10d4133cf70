import { z } from 'zod';
import type { AdminAnswer } from '../admin/admin-socket.ts';
import type { Db } from '../db/database.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { AuditKeys } from './audit-keys.ts';
import { verifyAuditChain } from './verify-audit.ts';

/** `embargo audit verify`, as sent over the admin socket (or run directly on the database). */
export const auditCommandSchema = z.object({ command: z.literal('audit-verify') });

export async function runAuditCommand(db: Db, _command: z.infer<typeof auditCommandSchema>, secret: InstanceSecret | undefined): Promise<AdminAnswer> {
  if (!secret) return { ok: false, error: 'This process was started without the instance secret.' };
  return { ok: true, id: 'audit', audit: await verifyAuditChain(db, new AuditKeys(secret)) };
}
