import type { StaffActor } from '../auth/policies.ts';
import { requireReadable } from '../reports/restricted-access.ts';
import type { Db } from '../db/database.ts';
import { NotFoundError } from '../errors.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { originalMail } from './evidence.ts';
import { appendAudit } from '../audit/append-audit.ts';

/**
 * The original of a mail received for a report, exactly as received, for a
 * staff member who may see that report; the download is recorded (who, when)
 * in the same transaction, so no copy leaves unrecorded. A report or mail the
 * actor may not see is "not found", whichever it is.
 */
export async function downloadOriginalMail(
  db: Db,
  secret: InstanceSecret,
  args: { actor: StaffActor; reference: string; mailId: string },
): Promise<{ reference: string; raw: Buffer }> {
  const report = await db.selectFrom('reports').select(['id', 'program_id', 'reference', 'restricted_to']).where('reference', '=', args.reference).executeTakeFirst();
  // Outside the actor's programs: "not found"; a restricted report they are not named on: "restricted".
  requireReadable(args.actor, report);
  if (!report) throw new NotFoundError('This mail');
  return db.transaction().execute(async (trx) => {
    const raw = await originalMail(trx, secret, report.id, args.mailId);
    if (!raw) throw new NotFoundError('This mail');
    await trx.insertInto('inbound_mail_downloads').values({ mail_id: args.mailId, staff_id: args.actor.userId }).execute();
    await appendAudit(trx, { actor: { kind: 'staff', id: args.actor.userId }, action: 'original.downloaded', reportId: report.id, target: args.mailId });
    return { reference: report.reference, raw };
  });
}
