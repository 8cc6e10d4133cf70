import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { BACKUP_FORMAT_VERSION, BackupFileError, type BackupHeader, type TableStart } from './backup-format.ts';

export type BackupEntry =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'table'; start: TableStart }
  | { kind: 'rows'; table: string; rows: string[] }
  | { kind: 'tableEnd'; table: string; rows: number }
  | { kind: 'complete'; rows: number };

const ROWS_PER_ENTRY = 500;
const ROW_BYTES_PER_ENTRY = 8 * 1024 * 1024;

function parseControl<T>(line: string, what: string, lineNo: number): T {
  try {
    return JSON.parse(line.slice(1)) as T;
  } catch {
    throw new BackupFileError(`line ${lineNo}: the ${what} line is damaged`);
  }
}

/**
 * Reads a backup file in order, checking as it goes what the writer recorded:
 * format version, each table's row count and SHA-256, the SHA-256 of the whole
 * and the closing line. Any damage, truncation or unknown format ends the
 * iteration with a BackupFileError naming the line. Rows come in batches.
 */
export async function* readBackup(file: string): AsyncGenerator<BackupEntry> {
  const gunzip = createGunzip();
  const input = createReadStream(file).on('error', (err) => gunzip.destroy(err));
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  const whole = createHash('sha256');
  let lineNo = 0;
  let header: BackupHeader | undefined;
  let current: { start: TableStart; hash: ReturnType<typeof createHash>; rows: number } | undefined;
  let batch: string[] = [];
  let batchBytes = 0;
  const tablesSeen: string[] = [];
  let complete = false;
  try {
    for await (const line of lines) {
      lineNo++;
      if (complete) throw new BackupFileError(`line ${lineNo}: data after the closing line`);
      if (!line.startsWith('#')) {
        if (!current) throw new BackupFileError(`line ${lineNo}: a row outside any table`);
        current.hash.update(`${line}\n`);
        current.rows++;
        whole.update(`${line}\n`);
        batch.push(line);
        batchBytes += line.length;
        if (batch.length >= ROWS_PER_ENTRY || batchBytes >= ROW_BYTES_PER_ENTRY) {
          yield { kind: 'rows', table: current.start.table, rows: batch };
          batch = [];
          batchBytes = 0;
        }
        continue;
      }
      if (lineNo === 1) {
        header = parseControl<BackupHeader>(line, 'header', lineNo);
        if (typeof header.embargoBackup !== 'number') throw new BackupFileError('this is not an Embargo backup (no header)');
        if (header.embargoBackup > BACKUP_FORMAT_VERSION) {
          throw new BackupFileError(`the backup is in format ${header.embargoBackup}, newer than this version of Embargo reads (${BACKUP_FORMAT_VERSION}); restore it with a newer Embargo`);
        }
        whole.update(`${line}\n`);
        yield { kind: 'header', header };
        continue;
      }
      const control = parseControl<Record<string, unknown>>(line, 'control', lineNo);
      if (typeof control.table === 'string') {
        if (current) throw new BackupFileError(`line ${lineNo}: table ${control.table} starts before ${current.start.table} ended`);
        if (header?.tables[tablesSeen.length] !== control.table) throw new BackupFileError(`line ${lineNo}: table ${control.table} is not the one the header announces next`);
        current = { start: control as unknown as TableStart, hash: createHash('sha256'), rows: 0 };
        whole.update(`${line}\n`);
        yield { kind: 'table', start: current.start };
      } else if (typeof control.tableEnd === 'string') {
        if (!current || current.start.table !== control.tableEnd) throw new BackupFileError(`line ${lineNo}: end of table ${control.tableEnd} without its start`);
        if (batch.length) yield { kind: 'rows', table: current.start.table, rows: batch };
        batch = [];
        batchBytes = 0;
        const digest = current.hash.digest('hex');
        if (control.rows !== current.rows || control.sha256 !== digest) {
          throw new BackupFileError(`table ${current.start.table} is damaged: ${current.rows} rows read, ${String(control.rows)} written${control.sha256 !== digest ? ', and its checksum differs' : ''}`);
        }
        whole.update(`${line}\n`);
        tablesSeen.push(current.start.table);
        yield { kind: 'tableEnd', table: current.start.table, rows: current.rows };
        current = undefined;
      } else if (control.complete === true) {
        if (current) throw new BackupFileError(`line ${lineNo}: the backup closes inside table ${current.start.table}`);
        if (tablesSeen.length !== header?.tables.length) throw new BackupFileError(`the backup holds ${tablesSeen.length} of the ${header?.tables.length} tables its header announces`);
        if (control.sha256 !== whole.digest('hex')) throw new BackupFileError('the checksum of the whole backup differs: the file was changed');
        complete = true;
        yield { kind: 'complete', rows: Number(control.rows) };
      } else {
        throw new BackupFileError(`line ${lineNo}: an unknown control line`);
      }
    }
  } catch (err) {
    if (err instanceof BackupFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BackupFileError(`${file} does not exist`);
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || /unexpected end|incorrect header|invalid/i.test((err as Error).message)) {
      throw new BackupFileError(`the file is not a readable gzip stream (${(err as Error).message}): damaged, cut short, or not a backup`);
    }
    throw err;
  }
  if (!header) throw new BackupFileError('the file is empty');
  if (!complete) throw new BackupFileError('the backup is cut short (no closing line): it was not finished or the file was truncated');
}

export interface VerifiedBackup {
  header: BackupHeader;
  tables: { table: string; rows: number }[];
  rows: number;
}

/** `embargo backup verify`: reads the whole file and checks every checksum, without a database. */
export async function verifyBackup(file: string): Promise<VerifiedBackup> {
  let header: BackupHeader | undefined;
  const tables: { table: string; rows: number }[] = [];
  let rows = 0;
  for await (const entry of readBackup(file)) {
    if (entry.kind === 'header') header = entry.header;
    else if (entry.kind === 'tableEnd') tables.push({ table: entry.table, rows: entry.rows });
    else if (entry.kind === 'complete') rows = entry.rows;
  }
  return { header: header!, tables, rows };
}
