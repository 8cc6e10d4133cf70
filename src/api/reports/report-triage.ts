import type { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Report } from '../../db/schema.ts';
import { scoreCvss } from '../../domain/cvss-score.ts';
import { severityFromCvssRating } from '../../sla/sla-targets.ts';
import { loadReportClocks } from '../../sla/report-clocks.ts';
import type { SlaClock } from '../../sla/sla-clocks.ts';
import type { severitySchema, slaClockSchema } from './report-representation.ts';

/** The team's severity and the SLA clocks (issue 5), read beside the report row. */
export type ApiTriageFields = { severity: z.infer<typeof severitySchema>; slaClocks: z.infer<typeof slaClockSchema>[] };

function presentClock(c: SlaClock): z.infer<typeof slaClockSchema> {
  const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
  return {
    name: c.name,
    label: c.label,
    state: c.state,
    dueAt: c.state === 'not-applicable' ? null : iso(c.dueAt),
    pausedSince: c.state === 'paused' ? iso(c.pausedSince) : null,
    metAt: c.state === 'met' || c.state === 'breached' ? iso(c.metAt) : null,
    explanation: c.explanation,
  };
}

/** The second vector was validated before it was stored; scored here, as the advisory scores it. */
function presentSecond(vector: string | null): NonNullable<ApiTriageFields['severity']>['second'] {
  const scored = vector ? scoreCvss(vector) : null;
  if (!scored?.ok) return null;
  return { vector: scored.value.vector, score: scored.value.score, rating: severityFromCvssRating(scored.value.severity) };
}

export async function loadTriageFields(ctx: AppContext, report: Report): Promise<ApiTriageFields> {
  const loaded = await loadReportClocks(ctx.db, report.id);
  return {
    severity:
      report.team_cvss_vector && report.team_cvss_score !== null && report.severity
        ? { vector: report.team_cvss_vector, score: Number(report.team_cvss_score), rating: report.severity, second: presentSecond(report.team_cvss_second_vector) }
        : null,
    slaClocks: (loaded?.clocks ?? []).map(presentClock),
  };
}
