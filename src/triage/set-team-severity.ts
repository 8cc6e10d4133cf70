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
 *
 * `secondVector` is the team's vector of the other CVSS version (a 3.1 beside a
 * 4.0 or the reverse), kept for the advisory, which carries both; the first one
 * alone rates the report. Undefined leaves the stored one as it is (callers
 * that do not know of it); empty clears it; clearing the first clears both.
 */
export async function setTeamSeverity(db: Db, args: { reportId: string; actorId: string; vector: string; secondVector?: string | undefined }): Promise<TeamSeverity | null> {
  const text = args.vector.trim();
  let next: TeamSeverity | null = null;
  if (text) {
    const scored = scoreCvss(text);
    if (!scored.ok) throw new ValidationError({ teamCvss: `This CVSS vector is not valid: ${scored.message}` }, 'The CVSS vector was not saved.');
    next = { vector: scored.value.vector, score: scored.value.score, severity: severityFromCvssRating(scored.value.severity) };
  }
  let second: string | null | undefined;
  if (args.secondVector !== undefined) {
    const secondText = args.secondVector.trim();
    second = null;
    if (secondText) {
      const scored = scoreCvss(secondText);
      if (!scored.ok) throw new ValidationError({ teamCvssSecond: `This CVSS vector is not valid: ${scored.message}` }, 'The CVSS vectors were not saved.');
      if (!next) throw new ValidationError({ teamCvssSecond: 'Give the vector that rates the report first; this one can only stand beside it.' }, 'The CVSS vectors were not saved.');
      if (next.vector.startsWith(`CVSS:${scored.value.version}/`)) {
        throw new ValidationError({ teamCvssSecond: `Both vectors are CVSS ${scored.value.version}: the second one is of the other version (3.1 beside 4.0, or the reverse).` }, 'The CVSS vectors were not saved.');
      }
      second = scored.value.vector;
    }
  }
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    const stored = await trx.selectFrom('reports').select('team_cvss_second_vector').where('id', '=', report.id).executeTakeFirstOrThrow();
    // A kept second vector must still be of the other version than a changed first one.
    let nextSecond = second === undefined ? stored.team_cvss_second_vector : second;
    if (!next || (nextSecond && next.vector.startsWith(nextSecond.slice(0, 9)))) nextSecond = null;
    if ((report.team_cvss_vector ?? null) === (next?.vector ?? null) && (stored.team_cvss_second_vector ?? null) === nextSecond) return;
    await trx
      .updateTable('reports')
      .set({ team_cvss_vector: next?.vector ?? null, team_cvss_second_vector: nextSecond, team_cvss_score: next ? next.score.toFixed(1) : null, severity: next?.severity ?? null })
      .where('id', '=', report.id)
      .execute();
    await recordEvent(trx, {
      reportId: report.id,
      actor: { kind: 'staff', id: args.actorId },
      type: 'severity-set',
      data: { vector: next?.vector ?? null, secondVector: nextSecond, score: next?.score ?? null, severity: next?.severity ?? null, previousSeverity: report.severity },
      reporterVisible: false,
    });
  });
  return next;
}
