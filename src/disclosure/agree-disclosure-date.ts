import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { assertEngagedPartiesAccept } from '../coordination/disclosure-gate.ts';
import { decideAgreement } from './disclosure-rules.ts';
import { lockForDisclosure, sideOf, throwRefusal, writeDisclosure, type DisclosureActor } from './write-disclosure.ts';

/**
 * The side that did not propose the date agrees to it: one click, with the
 * moment the person was shown (`seen`) so a date changed meanwhile is refused.
 */
export async function agreeDisclosureDate(
  db: Db,
  vault: ReportVault,
  args: { reportId: string; actor: DisclosureActor; seen?: Date; now?: Date },
): Promise<'agreed' | 'unchanged'> {
  const now = args.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const { report, current } = await lockForDisclosure(trx, args.reportId);
    const decision = decideAgreement(current, sideOf(args.actor), args.seen, now);
    if (decision.kind === 'refused') throwRefusal(decision);
    if (decision.kind !== 'agreed') return 'unchanged';
    await assertEngagedPartiesAccept(trx, report.id, decision.next.at); // every engaged invited party accepted it (src/coordination/)
    await writeDisclosure(trx, vault, { report, actor: args.actor, previous: current, decision });
    return 'agreed';
  });
}
