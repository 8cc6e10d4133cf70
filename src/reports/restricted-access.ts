import { sql, type RawBuilder } from 'kysely';
import { can, type ReportAccess, type StaffActor } from '../auth/policies.ts';
import { AppError, NotFoundError } from '../errors.ts';

/**
 * Restricted reports as lists and background work see them (the rule itself is
 * can.viewReport in src/auth/policies.ts): a report whose restricted_to does not
 * name the reader shows only that it exists, never its title or contents.
 */

/** What lists show instead of a restricted report's title. */
export const RESTRICTED_TITLE = 'Restricted report';

/** May this reader (a staff id; null for an API token or a webhook, which are never named) read the report's contents? */
export function readableBy(readerId: string | null, restrictedTo: readonly string[] | null): boolean {
  return restrictedTo === null || (readerId !== null && restrictedTo.includes(readerId));
}

/** The same rule in SQL, for searches that must not match words of a report the reader may not read. */
export function readableBySql(reportAlias: string, readerId: string | null): RawBuilder<boolean> {
  const column = sql.ref(`${reportAlias}.restricted_to`);
  return readerId === null ? sql<boolean>`${column} IS NULL` : sql<boolean>`(${column} IS NULL OR ${readerId}::uuid = ANY(${column}))`;
}

/** A member of the program who is not named asked for a restricted report: it exists, but is not theirs to read (403, not 404). */
export class RestrictedReportError extends AppError {
  constructor(readonly reference: string) {
    super('restricted', 403, `${reference} is restricted to named staff.`);
  }
}

/** The report if the staff member may read it; "not found" outside their programs, "restricted" when they are not named. */
export function requireReadable<R extends ReportAccess & { reference: string }>(actor: StaffActor, report: R | undefined): R {
  if (!report || !can.knowReportExists(actor, report)) throw new NotFoundError('This report');
  if (!can.viewReport(actor, report)) throw new RestrictedReportError(report.reference);
  return report;
}
