import { can, type StaffActor } from '../auth/policies.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { earlyPublicationCheck } from '../disclosure/load-disclosure.ts';
import { ForbiddenError, InvalidTransitionError, NotFoundError, ValidationError } from '../errors.ts';
import { loadProgram } from '../programs/programs.ts';
import { contentToForm, parseAdvisoryForm } from './advisory-content.ts';
import { loadStaffAdvisory, publishAdvisory } from './advisory-store.ts';

/**
 * A lead or admin publishes a report's drafted advisory as it is saved,
 * without opening the editor (the CRA screen, Art. 14(8)): the same checks
 * as the editor's "Publish" (the role, the fields a public advisory needs,
 * the confirmation, the agreed disclosure date unless "publish early" is
 * chosen), then publishAdvisory, which keeps the two-person rule (it throws
 * ApprovalPendingError when a second person must approve) and queues the
 * subscriber notice with the timeline event in one transaction.
 */
export async function publishReportAdvisory(
  deps: { db: Db; vault: ReportVault; baseUrl: string },
  actor: StaffActor,
  args: { reportId: string; confirm: boolean; publishEarly: boolean; revisionSummary?: string; now?: Date },
): Promise<{ publicId: string }> {
  const { db, vault } = deps;
  const report = await db.selectFrom('reports').select(['id', 'program_id', 'restricted_to']).where('id', '=', args.reportId).executeTakeFirst();
  if (!report || !can.viewReport(actor, report)) throw new NotFoundError('This report');
  if (!can.publishAdvisory(actor, report.program_id)) throw new ForbiddenError('Only a lead or admin of the program publishes advisories.');
  const row = await db.selectFrom('advisories').select('id').where('report_id', '=', report.id).orderBy('created_at', 'desc').executeTakeFirst();
  const advisory = row ? await loadStaffAdvisory(db, vault, row.id) : undefined;
  if (!advisory) throw new InvalidTransitionError('This report has no advisory yet: draft one from the report page first.');
  if (advisory.state === 'published') throw new InvalidTransitionError('The advisory is already published; a correction goes out as a revision from the advisory editor.');
  const program = await loadProgram(db, { id: report.program_id });
  if (!program) throw new NotFoundError('This program');
  const parsed = parseAdvisoryForm(contentToForm(advisory.content), program.config.products, { publishing: true });
  const errors: Record<string, string> = {};
  if (!parsed.ok) errors.advisory = `The draft is not ready to publish (${Object.values(parsed.errors).join(' ')}): complete it in the advisory editor.`;
  if (!args.confirm) errors.confirm = 'Confirm that the disclosure is agreed and the text may be public.';
  const early = await earlyPublicationCheck(db, report.id, args.publishEarly, args.now);
  if (early) errors.publishEarly = early;
  if (!parsed.ok || Object.keys(errors).length > 0) throw new ValidationError(errors, 'The advisory was not published.');
  const { publicId } = await publishAdvisory(db, vault, {
    id: advisory.id,
    actorId: actor.userId,
    content: parsed.content,
    revisionSummary: args.revisionSummary ?? '',
    baseUrl: deps.baseUrl,
    ...(args.now ? { now: args.now } : {}),
  });
  return { publicId };
}
