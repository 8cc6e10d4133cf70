import type { Db } from '../db/database.ts';
import { scoreCvss } from '../domain/cvss-score.ts';
import { ValidationError } from '../errors.ts';
import { lockReportState } from '../reports/report-actions.ts';
import { recordEvent } from '../reports/record-event.ts';
import { severityFromCvssRating, type Severity } from '../sla/sla-targets.ts';

export interface TeamSeverity {
  vector: string;
  score: number;
  severity: Severity;
}

/**
 * Sets (or, with an empty vector, clears) the team's CVSS vector. The vector is
 * validated and scored first: an invalid one is a field error and nothing is
 * stored, so a report never carries a vector without its score. The event's
 * data carries `severity`, which is what the remediation clock reads.
 */
export async function setTeamSeverity(db: Db, args: { reportId: string; actorId: string; vector: string }): Promise<TeamSeverity | null> {
  const text = args.vector.trim();
  let next: TeamSeverity | null = null;
  if (text) {
    const scored = scoreCvss(text);
    if (!scored.ok) throw new ValidationError({ teamCvss: `This CVSS vector is not valid: ${scored.message}` }, 'The CVSS vector was not saved.');
    next = { vector: scored.value.vector, score: scored.value.score, severity: severityFromCvssRating(scored.value.severity) };
  }
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    if ((report.team_cvss_vector ?? null) === (next?.vector ?? null)) return;
    await trx
      .updateTable('reports')
      .set({ team_cvss_vector: next?.vector ?? null, team_cvss_score: next ? next.score.toFixed(1) : null, severity: next?.severity ?? null })
      .where('id', '=', report.id)
      .execute();
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'staff', id: args.actorId },
      type: 'severity-set',
      data: { vector: next?.vector ?? null, score: next?.score ?? null, severity: next?.severity ?? null, previousSeverity: report.severity },
      reporterVisible: false,
    });
  });
  return next;
}
