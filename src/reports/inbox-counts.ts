import type { Db } from '../db/database.ts';
import type { ReportState } from '../domain/lifecycle.ts';
import { countDue } from '../sla/list-due-reports.ts';
import { countQuarantined } from '../triage/quarantine.ts';
import { countByState } from './list-reports.ts';

/** What the inbox's tabs count; the inbox and the Due view show these same numbers. */
export interface InboxTabCounts {
  /** Open reports per state, quarantined ones left out (countByState). */
  byState: Record<ReportState, number>;
  /** Open, not quarantined, with a running clock: what the Due view lists (countDue). */
  due: number;
  /** Reports waiting in the Quarantine tab. */
  quarantine: number;
}

/** The counts of the inbox's tabs, one query each. */
export async function countInboxTabs(db: Db, programIds: readonly string[]): Promise<InboxTabCounts> {
  const [byState, due, quarantine] = await Promise.all([countByState(db, programIds), countDue(db, programIds), countQuarantined(db, programIds)]);
  return { byState, due, quarantine: quarantine.total };
}
