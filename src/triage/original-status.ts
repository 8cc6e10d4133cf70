import type { Db } from '../db/database.ts';
import type { Report, Severity } from '../db/schema.ts';
import type { ReportState } from '../domain/lifecycle.ts';

/** What a duplicate's reporter may know of the original: its progress, never its content, reference or reporter. */
export interface OriginalStatus {
  state: ReportState;
  severity: Severity | null;
  /** The day it was received (UTC), to show the reporter they were not first, without the exact time. */
  receivedOn: string;
  fix: 'fixed' | 'in-progress' | 'not-yet';
}

/** The original's status for the duplicate's tracking page; undefined when the report is not a duplicate. */
export async function loadOriginalStatus(db: Db, report: Report): Promise<OriginalStatus | undefined> {
  if (report.state !== 'duplicate' || !report.duplicate_of) return undefined;
  const o = await db.selectFrom('reports').select(['state', 'severity', 'created_at']).where('id', '=', report.duplicate_of).executeTakeFirst();
  if (!o) return undefined;
  const fix = o.state === 'fixed' || o.state === 'disclosed' || o.state === 'closed' ? 'fixed' : o.state === 'fixing' ? 'in-progress' : 'not-yet';
  return { state: o.state, severity: o.severity, receivedOn: o.created_at.toISOString().slice(0, 10), fix };
}
