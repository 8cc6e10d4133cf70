import { Readable } from 'node:stream';
import type { AuditRow } from './list-audit.ts';

export type AuditExportFormat = 'csv' | 'jsonl';

const COLUMNS = ['seq', 'at', 'actor_kind', 'actor_id', 'action', 'outcome', 'report_id', 'report_reference', 'target', 'ip_hash', 'details', 'prev_hash', 'hash'] as const;

function record(r: AuditRow): Record<(typeof COLUMNS)[number], string | null> {
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    actor_kind: r.actorKind,
    actor_id: r.actorId,
    action: r.action,
    outcome: r.outcome,
    report_id: r.reportId,
    report_reference: r.reportReference,
    target: r.target,
    ip_hash: r.ipHash,
    details: r.details,
    prev_hash: r.prevHash,
    hash: r.hash,
  };
}

/** One CSV field: quoted, quotes doubled, and a leading = + - @ defused so a spreadsheet never runs it. */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * The export as a stream, one line per entry as it is read: CSV with a
 * header, or JSON lines. Entries carry their hashes, so a copy kept elsewhere
 * shows later what the chain held.
 */
export function auditExportStream(rows: AsyncIterable<AuditRow>, format: AuditExportFormat): Readable {
  async function* lines(): AsyncGenerator<string> {
    if (format === 'csv') yield `${COLUMNS.join(',')}\r\n`;
    for await (const row of rows) {
      const r = record(row);
      yield format === 'csv' ? `${COLUMNS.map((c) => csvField(r[c])).join(',')}\r\n` : `${JSON.stringify(r)}\n`;
    }
  }
  return Readable.from(lines());
}
