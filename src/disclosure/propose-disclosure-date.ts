import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { assertEngagedPartiesAccept, tellPartiesOfNewDate } from '../coordination/disclosure-gate.ts';
import { ValidationError } from '../errors.ts';
import { decideProposal, parseDisclosureMoment, type MomentInput } from './disclosure-rules.ts';
import { lockForDisclosure, sideOf, throwRefusal, writeDisclosure, type DisclosureActor } from './write-disclosure.ts';

/**
 * The team or the reporter proposes a disclosure moment, with a message
 * (required from the reporter, and from the team when it moves an agreed date
 * later). Proposing what the other side proposed agrees to it. Returns what
 * happened; refusals are ValidationError (a field) or InvalidTransitionError.
 */
export async function proposeDisclosureDate(
  db: Db,
  vault: ReportVault,
  args: { reportId: string; actor: DisclosureActor; moment: MomentInput; message: string; now?: Date },
): Promise<'proposed' | 'agreed' | 'unchanged'> {
  const now = args.now ?? new Date();
  const moment = parseDisclosureMoment(args.moment, now);
  if (!moment.ok) throw new ValidationError(moment.errors, 'The disclosure date was not changed.');
  return db.transaction().execute(async (trx) => {
    const { report, current } = await lockForDisclosure(trx, args.reportId);
    const decision = decideProposal(current, sideOf(args.actor), moment, args.message);
    if (decision.kind === 'refused') throwRefusal(decision);
    if (decision.kind === 'unchanged') return 'unchanged';
    if (decision.kind === 'agreed') await assertEngagedPartiesAccept(trx, report.id, decision.next.at); // src/coordination/
    await writeDisclosure(trx, vault, { report, actor: args.actor, previous: current, decision, message: args.message });
    if (decision.kind === 'proposed') await tellPartiesOfNewDate(trx, report.id); // invited parties answer it on their pages
    return decision.kind;
  });
}
