import type { Db } from '../../src/db/database.ts';
import { DEFAULT_PREFERENCES, saveNotificationPreferences } from '../../src/team-notices/preferences.ts';

/**
 * For tests about other mail (to reporters, SLA reminders): these staff members
 * choose to hear nothing of new work, so the team's notices (src/team-notices/)
 * do not mix with the mails under test.
 */
export async function hearNothingOfNewWork(db: Db, ...userIds: string[]): Promise<void> {
  const never = { 'new-report': 'never', 'reporter-reply': 'never', 'disclosure-proposal': 'never', 'quarantine-released': 'never' } as const;
  for (const userId of userIds) await saveNotificationPreferences(db, { userId, preferences: { ...DEFAULT_PREFERENCES, deliveries: never, quarantined: 'never' } });
}
