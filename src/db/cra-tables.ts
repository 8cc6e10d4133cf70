import type { ColumnType, Generated } from 'kysely';
import type { CraKind, CraStep } from '../cra/cra-clocks.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A report marked as an actively exploited vulnerability or a severe incident (CRA Art. 14; src/cra/). */
export interface CraCasesTable {
  id: string;
  report_id: string;
  kind: CraKind;
  /** When the team became aware: every clock counts from here. */
  aware_at: Timestamp;
  /** When a corrective or mitigating measure became available (the vulnerability's final report clock). */
  measure_available_at: Timestamp | null;
  marked_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export type CraChannel = 'single-reporting-platform' | 'csirt-other' | 'other';

/** One submission to the CSIRT/ENISA single reporting platform; the first of a step stops its clock. */
export interface CraSubmissionsTable {
  id: string;
  case_id: string;
  step: CraStep;
  submitted_at: Timestamp;
  channel: CraChannel;
  /** The reference the CSIRT gave. */
  csirt_reference: string;
  recorded_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** A step's notification draft, sealed with the report's data key. */
export interface CraDraftsTable {
  case_id: string;
  step: CraStep;
  fields_sealed: Buffer;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export interface CraTables {
  cra_cases: CraCasesTable;
  cra_submissions: CraSubmissionsTable;
  cra_drafts: CraDraftsTable;
}
