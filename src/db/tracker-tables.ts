import type { ColumnType, Generated } from 'kysely';

export type TrackerKind = 'github' | 'gitlab' | 'jira';

/** An issue tracker a program's triagers can file linked issues in (src/trackers/). */
export interface IssueTrackersTable {
  id: Generated<string>;
  program_id: string;
  kind: TrackerKind;
  /** The API's base URL (see docs/integrations.md). */
  base_url: string;
  /** owner/repo (GitHub), project id or path (GitLab), project key (Jira). */
  project: string;
  /** Jira: the API token's account e-mail (basic authentication); empty: a bearer token. */
  account: ColumnType<string, string | undefined, string>;
  /** Sealed with the instance secret (purpose tracker-token, bound to the id). */
  token_sealed: Buffer;
  labels: ColumnType<string[], string[] | undefined, string[]>;
  issue_type: ColumnType<string, string | undefined, string>;
  /** Triagers may put the full report into a new issue. */
  allow_full_report: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** A report's issue in a tracker, with its state as last read. */
export interface ReportIssueLinksTable {
  id: Generated<string>;
  report_id: string;
  tracker_id: string;
  external_id: string;
  url: string;
  state: string;
  state_checked_at: ColumnType<Date, Date | undefined, Date>;
  created_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface TrackerTables {
  issue_trackers: IssueTrackersTable;
  report_issue_links: ReportIssueLinksTable;
}
