import type { ColumnType } from 'kysely';

/** Where an invited party stands (src/coordination/): it sets this itself on its page. */
export type PartyStatus = 'invited' | 'engaged' | 'fixed' | 'not-affected';
/** Who a party is to the report. */
export type PartyRole = 'maintainer' | 'vendor' | 'coordinator';
/** A party's answer to the disclosure date. */
export type PartyDisclosureAnswer = 'accepted' | 'proposed';

/** An outside party invited into one report (multi-party coordination). */
export interface CoordinationPartiesTable {
  /** Chosen by the application: the sealed contact is bound to it. */
  id: string;
  report_id: string;
  /** 1, 2, 3… per report: the timeline names a party by it, not by its (sealed) name. */
  number: number;
  role: PartyRole;
  /** { name, email } sealed with the report's data key, purpose `party:<id>`. */
  contact_sealed: Buffer;
  /** HMAC-SHA256 of the link token, keyed from the instance secret; the token itself is never stored. */
  token_hash: Buffer;
  status: ColumnType<PartyStatus, PartyStatus | undefined, PartyStatus>;
  /** YYYY-MM-DD, set by the party. */
  fix_date: string | null;
  disclosure_answer: PartyDisclosureAnswer | null;
  /** The disclosure moment the answer is about (accepted it, or proposed it instead). */
  disclosure_answer_at: Date | null;
  disclosure_answer_time_zone: string | null;
  invited_by: string | null;
  first_opened_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  /** Set when a lead revoked the party: its link answers 410 from then on. */
  revoked_at: Date | null;
}

/** A message of the coordination thread: written by staff to parties, or by a party. */
export interface CoordinationMessagesTable {
  id: string;
  report_id: string;
  /** The party that wrote it; null when a staff member did. */
  party_id: string | null;
  author_id: string | null;
  /** Sealed with the report's data key, purpose `coordination-message:<id>`. */
  body_sealed: Buffer;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** One message shared with one party: a message of the report's thread or of the coordination thread. */
export interface CoordinationSharesTable {
  id: string;
  party_id: string;
  thread_message_id: string | null;
  coordination_message_id: string | null;
  shared_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** The reporter's choice to be named to the invited parties (no row: not named). */
export interface CoordinationReporterChoicesTable {
  report_id: string;
  named: boolean;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface CoordinationTables {
  coordination_parties: CoordinationPartiesTable;
  coordination_messages: CoordinationMessagesTable;
  coordination_shares: CoordinationSharesTable;
  coordination_reporter_choices: CoordinationReporterChoicesTable;
}
