/**
 * Embargo's backup file: a gzip stream of lines. Control lines start with `#`
 * and hold JSON; every other line is one table row as PostgreSQL's
 * `row_to_json` wrote it (bytea as \x hex, timestamps with microseconds), so
 * a backup of the embedded database restores into PostgreSQL and the reverse,
 * value for value. Sealed columns stay sealed: a backup holds nothing the
 * database did not, and never the instance secret.
 *
 *   #{"embargoBackup":1, …header}
 *   #{"table":"reports", …}          then its rows, one per line
 *   #{"tableEnd":"reports","rows":N,"sha256":"…"}   (of that table's row lines)
 *   …
 *   #{"complete":true,"rows":T,"sha256":"…"}        (of every byte before this line)
 *
 * A file without the last line was cut short and is refused.
 */

/** Bump when a reader of the previous format could misread the new one. */
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupHeader {
  embargoBackup: number;
  createdAt: string;
  /** Which database it was taken from (informational; restores go to either). */
  database: 'embedded' | 'postgres';
  /** The migrations the source database had run, in order: the schema the rows fit. */
  migrations: string[];
  /** Tables in restore order (a table after every table it references). */
  tables: string[];
  /** Where the instance secret that opens the sealed data is (never in the backup). */
  secret: { included: false; note: string };
}

export interface TableStart {
  table: string;
  /** Columns a restore writes (generated columns are left to the database). */
  columns: string[];
  /** Columns referencing the same table: restored after every row exists. */
  selfReferences: string[];
  primaryKey: string[];
  /** Identity columns: their sequences are moved past the restored values. */
  identity: string[];
}

export interface TableEnd {
  tableEnd: string;
  rows: number;
  sha256: string;
}

export interface Trailer {
  complete: true;
  rows: number;
  sha256: string;
}

/**
 * Tables never backed up: sign-in state, leases and counters of attempts that
 * would be wrong or unsafe on another machine, and the migration bookkeeping
 * (a restore runs the migrations itself). Staff sign in again after a restore.
 */
export const NOT_BACKED_UP: ReadonlySet<string> = new Set([
  'embargo_migrations',
  'embargo_migrations_lock',
  'sessions',
  'staff_pending_sign_ins',
  'rate_limits',
  'mail_leases',
]);

export function controlLine(value: BackupHeader | TableStart | TableEnd | Trailer): string {
  return `#${JSON.stringify(value)}\n`;
}

/** What a backup (and the command that made it) says about the secret it does not contain. */
export function secretLocationNote(source: string): string {
  return `The backup does not contain the instance secret, without which its sealed contents cannot be read. The secret is ${source === 'EMBARGO_SECRET' ? 'the EMBARGO_SECRET variable' : `in ${source}`}: keep a copy apart from the backups (e.g. in your password manager), never next to them.`;
}

/** The error every reader gives for a file that is not a complete, intact backup. */
export class BackupFileError extends Error {}
