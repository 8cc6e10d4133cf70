import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { NoticeDelivery, NotificationPreferencesTable, TeamNoticeKind } from '../db/team-notice-tables.ts';
import { ValidationError } from '../errors.ts';

/** The notification_preferences column of each notice kind. */
export const PREFERENCE_COLUMN = {
  'new-report': 'new_report',
  'reporter-reply': 'reporter_reply',
  'disclosure-proposal': 'disclosure_proposal',
  'quarantine-released': 'quarantine_released',
} as const satisfies Record<TeamNoticeKind, string>;

/** What each kind is called on the account page and in digests. */
export const NOTICE_LABELS: Record<TeamNoticeKind | 'quarantined', string> = {
  'new-report': 'A new report arrives',
  'reporter-reply': 'A reporter replies',
  'disclosure-proposal': 'A reporter proposes or agrees to a disclosure date',
  'quarantine-released': 'A report is released from quarantine',
  quarantined: 'A new report is quarantined as likely spam',
};

export interface NotificationPreferences {
  deliveries: Record<TeamNoticeKind, NoticeDelivery>;
  quarantined: 'digest' | 'never';
  /** Local hour (program time zone) from which the daily digest goes out. */
  digestHour: number;
  /** Digests only on the program calendar's working days. */
  workingDaysOnly: boolean;
}

/** What a person gets before choosing (the migration's column defaults): new reports and replies at once, the rest in the digest. */
export const DEFAULT_PREFERENCES: NotificationPreferences = {
  deliveries: { 'new-report': 'immediate', 'reporter-reply': 'immediate', 'disclosure-proposal': 'digest', 'quarantine-released': 'digest' },
  quarantined: 'digest',
  digestHour: 9,
  workingDaysOnly: true,
};

/** A row (or its absence) as preferences. */
export function readPreferences(row: Omit<Selectable<NotificationPreferencesTable>, 'user_id' | 'updated_at'> | undefined): NotificationPreferences {
  if (!row) return DEFAULT_PREFERENCES;
  return {
    deliveries: {
      'new-report': row.new_report,
      'reporter-reply': row.reporter_reply,
      'disclosure-proposal': row.disclosure_proposal,
      'quarantine-released': row.quarantine_released,
    },
    quarantined: row.quarantined,
    digestHour: row.digest_hour,
    workingDaysOnly: row.digest_working_days_only,
  };
}

/** A staff member's own choices (the defaults until they save). */
export async function loadNotificationPreferences(db: Kysely<Database>, userId: string): Promise<NotificationPreferences> {
  const row = await db.selectFrom('notification_preferences').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return readPreferences(row);
}

/** The form's fields, as typed (strings). */
export type PreferenceForm = Partial<Record<TeamNoticeKind | 'quarantined' | 'digestHour' | 'workingDaysOnly', string>>;

const DELIVERIES: readonly string[] = ['immediate', 'digest', 'never'];

/** The form as preferences, or a ValidationError naming each bad field. */
export function parsePreferenceForm(form: PreferenceForm): NotificationPreferences {
  const errors: Record<string, string> = {};
  const deliveries = {} as Record<TeamNoticeKind, NoticeDelivery>;
  for (const kind of Object.keys(PREFERENCE_COLUMN) as TeamNoticeKind[]) {
    const value = form[kind] ?? '';
    if (DELIVERIES.includes(value)) deliveries[kind] = value as NoticeDelivery;
    else errors[kind] = 'Choose immediately, in the daily digest, or never.';
  }
  const quarantined = form.quarantined ?? '';
  if (quarantined !== 'digest' && quarantined !== 'never') errors.quarantined = 'Choose in the daily digest, or never.';
  const hour = Number(form.digestHour);
  if (!/^\d{1,2}$/.test(form.digestHour ?? '') || hour > 23) errors.digestHour = 'Choose an hour from 0 to 23.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, 'Your notification settings were not saved.');
  return { deliveries, quarantined: quarantined as 'digest' | 'never', digestHour: hour, workingDaysOnly: form.workingDaysOnly === 'yes' };
}

/** Saves a staff member's own choices (only their own: the route passes the signed-in user). */
export async function saveNotificationPreferences(db: Kysely<Database>, args: { userId: string; preferences: NotificationPreferences }): Promise<void> {
  const p = args.preferences;
  const values = {
    new_report: p.deliveries['new-report'],
    reporter_reply: p.deliveries['reporter-reply'],
    disclosure_proposal: p.deliveries['disclosure-proposal'],
    quarantine_released: p.deliveries['quarantine-released'],
    quarantined: p.quarantined,
    digest_hour: p.digestHour,
    digest_working_days_only: p.workingDaysOnly,
    updated_at: new Date(),
  };
  await db
    .insertInto('notification_preferences')
    .values({ user_id: args.userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
}

/** Saved preferences as the account page's form values. */
export function preferenceFormValues(p: NotificationPreferences): PreferenceForm {
  return { ...p.deliveries, quarantined: p.quarantined, digestHour: String(p.digestHour), workingDaysOnly: p.workingDaysOnly ? 'yes' : 'no' };
}
