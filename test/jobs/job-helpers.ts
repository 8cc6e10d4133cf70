import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

/** The notify-reporter and acknowledgement jobs of one report, oldest first. */
export async function reporterMailJobs(db: Db, reportId: string) {
  return db
    .selectFrom('jobs')
    .select(['id', 'kind', 'state', 'attempts', 'max_attempts', 'run_at', 'last_error'])
    .where((eb) =>
      eb.or([
        eb.and([eb('kind', '=', 'mail-acknowledgement'), eb(sql<string>`payload->>'reportId'`, '=', reportId)]),
        eb.and([
          eb('kind', '=', 'notify-reporter'),
          eb(sql<string>`payload->>'eventId'`, 'in', eb.selectFrom('report_events').select(sql<string>`id::text`.as('id')).where('report_id', '=', reportId)),
        ]),
      ]),
    )
    .orderBy('id')
    .execute();
}

/** Resolves once `check` holds, polling; rejects with `what` after `ms`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
