import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { earlyPublicationProblem, readDisclosure, type DisclosureDate } from './disclosure-rules.ts';

/** A report's disclosure date (null when none was proposed), from its plain columns. */
export async function loadDisclosure(db: Kysely<Database>, reportId: string): Promise<DisclosureDate | null> {
  const row = await db
    .selectFrom('reports')
    .select(['disclosure_at', 'disclosure_time_zone', 'disclosure_status', 'disclosure_proposed_by'])
    .where('id', '=', reportId)
    .executeTakeFirst();
  return row ? readDisclosure(row) : null;
}

/**
 * The advisory editor's guard on a first publication: why it needs the
 * explicit "publish before the agreed date" decision, if it does. An advisory
 * without a report has no disclosure date to keep.
 */
export async function earlyPublicationCheck(db: Kysely<Database>, reportId: string | null, publishEarly: boolean, now: Date = new Date()): Promise<string | undefined> {
  if (!reportId) return undefined;
  return earlyPublicationProblem(await loadDisclosure(db, reportId), now, publishEarly);
}
