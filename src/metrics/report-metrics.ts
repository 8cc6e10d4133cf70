import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Channel } from '../db/schema.ts';
import { OPEN_STATES, RESOLVED_STATES, type ReportState } from '../domain/lifecycle.ts';
import { loadReportClocks } from '../sla/report-clocks.ts';
import { CLOCK_LABELS, type ClockName } from '../sla/sla-clocks.ts';

export const CHANNELS: readonly Channel[] = ['web', 'email', 'api', 'staff'];
export const OUTCOMES = ['open', 'resolved', 'rejected'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none', 'unscored'] as const;
export type SeverityBucket = (typeof SEVERITIES)[number];
export const AGE_BUCKETS = ['under 7 days', '7–30 days', '30–90 days', 'over 90 days'] as const;

export interface MonthRow {
  month: string;
  byChannel: Record<Channel, number>;
  byOutcome: Record<Outcome, number>;
}
export interface DurationRow {
  name: 'first-response' | 'triage' | 'fix';
  label: string;
  count: number;
  medianHours: number | null;
  p90Hours: number | null;
}
export interface SlaRow {
  name: ClockName;
  label: string;
  met: number;
  breached: number;
  running: number;
}
export interface Metrics {
  months: MonthRow[];
  durations: DurationRow[];
  sla: SlaRow[];
  /** How many recent reports the SLA compliance is computed over. */
  slaSample: number;
  openByAge: { bucket: (typeof AGE_BUCKETS)[number]; bySeverity: Record<SeverityBucket, number> }[];
}

function outcomeOf(state: ReportState): Outcome {
  if (OPEN_STATES.includes(state)) return 'open';
  return RESOLVED_STATES.includes(state) ? 'resolved' : 'rejected';
}

const reached = (states: ReportState[]) => sql`(e.type = 'state-changed' AND e.data->>'to' IN (${sql.join(states)}))`;

/**
 * The event that ends each duration. The first response is what the program
 * promised (sla.firstResponse, src/sla/sla-targets.ts): its evaluation (or a
 * verdict) where it promises an evaluation and a date, any answer from the team
 * where it promises a reply; a bare acknowledgement is not an evaluation.
 */
const DURATIONS: { name: DurationRow['name']; label: string; ends: RawBuilder<unknown> }[] = [
  {
    name: 'first-response',
    label: 'Time to first response',
    ends: sql`(e.type = 'evaluation-sent' OR ${reached(['duplicate', 'not-applicable'])}
               OR (coalesce(p.config->'sla'->>'firstResponse', 'evaluation-and-date') = 'reply' AND e.reporter_visible AND e.actor_kind = 'staff'))`,
  },
  { name: 'triage', label: 'Time to triage decision', ends: reached(['triaged', 'duplicate', 'not-applicable', 'spam']) },
  { name: 'fix', label: 'Time to fix', ends: reached(['fixed']) },
];

/** Reports whose SLA compliance is computed (clocks are replayed per report). */
const SLA_SAMPLE = 500;

/** The numbers of /staff/metrics over the last 12 months of the given programs. */
export async function loadMetrics(db: Db, programIds: readonly string[], now = new Date()): Promise<Metrics> {
  const empty: Metrics = { months: [], durations: [], sla: [], slaSample: 0, openByAge: [] };
  if (programIds.length === 0) return empty;
  const since = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth() + 1, 1));

  const monthly = await db
    .selectFrom('reports')
    .select([sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM')`.as('month'), 'channel', 'state', sql<string>`count(*)`.as('n')])
    .where('program_id', 'in', programIds)
    .where('created_at', '>=', since)
    .groupBy([sql`1`, 'channel', 'state'])
    .execute();
  const months: MonthRow[] = [];
  for (let i = 0; i < 12; i++) {
    const d = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth() + i, 1));
    const month = d.toISOString().slice(0, 7);
    months.push({ month, byChannel: { web: 0, email: 0, api: 0, staff: 0 }, byOutcome: { open: 0, resolved: 0, rejected: 0 } });
  }
  for (const r of monthly) {
    const row = months.find((m) => m.month === r.month);
    if (!row) continue;
    row.byChannel[r.channel] += Number(r.n);
    row.byOutcome[outcomeOf(r.state)] += Number(r.n);
  }

  const durations: DurationRow[] = [];
  for (const d of DURATIONS) {
    const row = await sql<{ n: string; p50: number | null; p90: number | null }>`
      SELECT count(*) AS n,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS p50,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90
      FROM (
        SELECT extract(epoch FROM min(e.created_at) - r.created_at) / 3600 AS hours
        FROM reports r
        JOIN programs p ON p.id = r.program_id
        JOIN report_events e ON e.report_id = r.id AND ${d.ends}
        WHERE r.program_id IN (${sql.join(programIds)}) AND r.created_at >= ${since}
        GROUP BY r.id, r.created_at
      ) t`.execute(db);
    const first = row.rows[0];
    durations.push({
      name: d.name,
      label: d.label,
      count: Number(first?.n ?? 0),
      medianHours: first?.p50 == null ? null : Number(first.p50),
      p90Hours: first?.p90 == null ? null : Number(first.p90),
    });
  }

  const recent = await db
    .selectFrom('reports')
    .select('id')
    .where('program_id', 'in', programIds)
    .where('created_at', '>=', since)
    .where('state', '!=', 'spam')
    .orderBy('created_at', 'desc')
    .limit(SLA_SAMPLE)
    .execute();
  const sla = new Map<ClockName, SlaRow>();
  for (const { id } of recent) {
    const loaded = await loadReportClocks(db, id, now);
    for (const clock of loaded?.clocks ?? []) {
      if (clock.state === 'not-applicable') continue;
      const row = sla.get(clock.name) ?? { name: clock.name, label: CLOCK_LABELS[clock.name], met: 0, breached: 0, running: 0 };
      sla.set(clock.name, row);
      if (clock.state === 'met') row.met++;
      else if (clock.state === 'breached') row.breached++;
      else row.running++;
    }
  }

  const open = await db
    .selectFrom('reports')
    .select([
      sql<number>`CASE WHEN created_at > ${new Date(now.getTime() - 7 * 864e5)} THEN 0
                       WHEN created_at > ${new Date(now.getTime() - 30 * 864e5)} THEN 1
                       WHEN created_at > ${new Date(now.getTime() - 90 * 864e5)} THEN 2 ELSE 3 END`.as('bucket'),
      'severity',
      sql<string>`count(*)`.as('n'),
    ])
    .where('program_id', 'in', programIds)
    .where('state', 'in', OPEN_STATES)
    .groupBy([sql`1`, 'severity'])
    .execute();
  const openByAge = AGE_BUCKETS.map((bucket) => ({ bucket, bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<SeverityBucket, number> }));
  for (const r of open) openByAge[Number(r.bucket)]!.bySeverity[(r.severity ?? 'unscored') as SeverityBucket] += Number(r.n);

  return { months, durations, sla: [...sla.values()], slaSample: recent.length, openByAge };
}

/** The same numbers as CSV rows (metric, key, series, value) for spreadsheets. */
export function metricsCsv(m: Metrics): string {
  const rows: (string | number)[][] = [['metric', 'key', 'series', 'value']];
  for (const r of m.months) {
    for (const c of CHANNELS) rows.push(['received_by_channel', r.month, c, r.byChannel[c]]);
    for (const o of OUTCOMES) rows.push(['received_by_outcome', r.month, o, r.byOutcome[o]]);
  }
  for (const d of m.durations) {
    rows.push(['duration_hours', d.name, 'median', d.medianHours === null ? '' : d.medianHours.toFixed(2)]);
    rows.push(['duration_hours', d.name, 'p90', d.p90Hours === null ? '' : d.p90Hours.toFixed(2)]);
    rows.push(['duration_hours', d.name, 'count', d.count]);
  }
  for (const s of m.sla) for (const k of ['met', 'breached', 'running'] as const) rows.push(['sla', s.name, k, s[k]]);
  for (const a of m.openByAge) for (const s of SEVERITIES) rows.push(['open_by_age', a.bucket, s, a.bySeverity[s]]);
  // Values are ours (numbers, fixed keys); quoting keeps any comma or quote harmless anyway.
  return rows.map((r) => r.map((v) => `"${String(v).replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';
}
