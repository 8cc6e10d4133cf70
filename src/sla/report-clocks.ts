import type { Kysely } from 'kysely';
import { calendarConfigSchema } from '../calendar/calendar-config.ts';
import { createBusinessCalendar, type BusinessCalendar } from '../calendar/business-calendar.ts';
import type { Database } from '../db/schema.ts';
import { loadHistorySince } from './load-report-history.ts';
import { computeSlaClocks, nextDeadline, type SlaClock } from './sla-clocks.ts';
import { slaTargetsSchema, type SlaTargets } from './sla-targets.ts';

/** What the clocks of one program count against. */
export interface ProgramSla {
  targets: SlaTargets;
  calendar: BusinessCalendar;
}

// Building a calendar resolves holiday tables; programs are few and their configs rarely change.
const slas = new Map<string, ProgramSla>();
const byConfig = new WeakMap<object, ProgramSla>();

/**
 * The SLA targets and business calendar of a program's stored config. Only
 * those two parts are parsed, once per distinct setting, so this is cheap
 * enough to run with every event.
 */
export function programSla(config: unknown): ProgramSla {
  // A loaded program's config is one frozen object for as long as it is unchanged (src/programs/programs.ts):
  // known by identity, without writing it out as JSON for the key.
  const frozen = typeof config === 'object' && config !== null && Object.isFrozen(config);
  const known = frozen ? byConfig.get(config) : undefined;
  if (known) return known;
  const c = (config ?? {}) as { sla?: unknown; calendar?: unknown };
  const key = JSON.stringify([c.sla, c.calendar]);
  let sla = slas.get(key);
  if (!sla) {
    const targets = slaTargetsSchema.parse(c.sla);
    const calendar = createBusinessCalendar(calendarConfigSchema.prefault({ timeZone: 'UTC' }).parse(c.calendar));
    sla = { targets, calendar };
    if (slas.size > 100) slas.clear();
    slas.set(key, sla);
  }
  if (frozen) byConfig.set(config, sla);
  return sla;
}

/** Every SLA clock of one report at `now`; undefined when the report does not exist. */
export async function loadReportClocks(db: Kysely<Database>, reportId: string, now: Date = new Date()): Promise<{ clocks: SlaClock[]; sla: ProgramSla } | undefined> {
  const report = await db
    .selectFrom('reports as r')
    .innerJoin('programs as p', 'p.id', 'r.program_id')
    .select(['r.created_at', 'p.config'])
    .where('r.id', '=', reportId)
    .executeTakeFirst();
  if (!report) return undefined;
  const history = await loadHistorySince(db, reportId, report.created_at);
  const sla = programSla(report.config);
  return { clocks: computeSlaClocks({ history, targets: sla.targets, calendar: sla.calendar, now }), sla };
}

/**
 * The report's nearest open deadline, the value of reports.next_deadline_at
 * (the order of the "Due" view). recordEvent stores it in the transaction of
 * every event, so the column changes exactly when the history it derives
 * from does. Deadlines depend on the history, not on the moment they are
 * computed (a running clock's due time is fixed until something happens), so
 * `now` only decides which events have happened yet.
 */
export async function computeNextDeadline(db: Kysely<Database>, reportId: string, now: Date = new Date()): Promise<Date | null> {
  const loaded = await loadReportClocks(db, reportId, now);
  return loaded ? (nextDeadline(loaded.clocks) ?? null) : null;
}
