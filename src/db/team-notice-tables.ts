import type { ColumnType, Generated } from 'kysely';

/** How a person hears of one kind of notice (src/team-notices/): a mail at once, a line in the daily digest, or nothing. */
export type NoticeDelivery = 'immediate' | 'digest' | 'never';
/** What the team hears about: new work. */
export type TeamNoticeKind = 'new-report' | 'reporter-reply' | 'disclosure-proposal' | 'quarantine-released';

/** A staff member's choices; no row means the defaults (the columns' defaults, mirrored in src/team-notices/preferences.ts). */
export interface NotificationPreferencesTable {
  user_id: string;
  new_report: ColumnType<NoticeDelivery, NoticeDelivery | undefined, NoticeDelivery>;
  reporter_reply: ColumnType<NoticeDelivery, NoticeDelivery | undefined, NoticeDelivery>;
  disclosure_proposal: ColumnType<NoticeDelivery, NoticeDelivery | undefined, NoticeDelivery>;
  quarantine_released: ColumnType<NoticeDelivery, NoticeDelivery | undefined, NoticeDelivery>;
  /** Quarantined arrivals: never mailed one by one. */
  quarantined: ColumnType<'digest' | 'never', 'digest' | 'never' | undefined, 'digest' | 'never'>;
  /** Local hour (0–23, program time zone) from which the day's digest goes out. */
  digest_hour: ColumnType<number, number | undefined, number>;
  /** Digests only on the program calendar's working days. */
  digest_working_days_only: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** One piece of new work the team was told of (immediately or in digests); written by the notify-team job. */
export interface TeamNoticesTable {
  id: Generated<string>;
  /** The report event that caused it (unique: noticed once). */
  event_id: string;
  program_id: string;
  report_id: string;
  kind: TeamNoticeKind;
  /** A new report the spam signals quarantined: in digests only. */
  quarantined: ColumnType<boolean, boolean | undefined, never>;
  /** The staff member whose action it was; they are not told of it. */
  actor_id: string | null;
  /** When the job noticed it (after the event committed): what digest windows count by. */
  noticed_at: ColumnType<Date, Date | undefined, never>;
}

/** One digest per person, program and local day, and the moment it covers notices up to. */
export interface TeamDigestsTable {
  user_id: string;
  program_id: string;
  /** YYYY-MM-DD in the program's time zone. */
  day: ColumnType<string, string, never>;
  covered_until: ColumnType<Date, Date, never>;
}

export interface TeamNoticeTables {
  notification_preferences: NotificationPreferencesTable;
  team_notices: TeamNoticesTable;
  team_digests: TeamDigestsTable;
}
