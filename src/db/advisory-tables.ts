import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface AdvisoryCountersTable {
  program_id: string;
  year: number;
  /** Highest advisory number handed out in that year. */
  last_number: number;
}

/** A security advisory: sealed while a draft, public once published (src/advisories/). */
export interface AdvisoriesTable {
  id: Generated<string>;
  program_id: string;
  /** e.g. EMB-SA-2026-0001; unique across the instance, part of every public URL. Null until first published. */
  public_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The report it was drafted from, if any. */
  report_id: string | null;
  state: ColumnType<'draft' | 'published', 'draft', 'draft' | 'published'>;
  /** Wrapped data key (ReportVault, key id "advisory:<id>") for the draft. */
  data_key: Buffer;
  /** Sealed AdvisoryContent JSON while a draft; null once published. */
  draft_sealed: Buffer | null;
  /** AdvisoryContent as published (public); null while a draft. */
  content: ColumnType<unknown, string | null | undefined, string | null>;
  /** Title, summary and details of the published content, for trigram similarity. */
  search_text: string | null;
  /** AdvisoryRevision[], newest last; empty while a draft. */
  revisions: ColumnType<unknown, string | undefined, string>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  published_at: Timestamp | null;
}
