import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

/** Every table of the database as text: bytea both as hex and as latin-1/utf-8 text, so a plaintext copy shows either way. */
export async function dumpDatabase(db: Db): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(db);
  assert.ok(tables.rows.some((t) => t.table_name === 'reports'));
  const text = (v: unknown): string => {
    if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
      const b = Buffer.from(v);
      return `${b.toString('hex')} ${b.toString('latin1')} ${b.toString('utf8')}`;
    }
    if (Array.isArray(v)) return v.map(text).join(' ');
    if (v instanceof Date) return v.toISOString();
    return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  };
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table_name)}`.execute(db);
    for (const row of rows.rows) parts.push(`${table_name}: ${Object.values(row).map(text).join(' | ')}`);
  }
  return parts.join('\n');
}

/** The markers found in a dump, compared case-insensitively (as hex too, in case a driver hexes text). */
export function leakedMarkers(dump: string, markers: Record<string, string>): string[] {
  const lower = dump.toLowerCase();
  return Object.entries(markers)
    .filter(([, m]) => lower.includes(m.toLowerCase()) || lower.includes(Buffer.from(m).toString('hex')))
    .map(([k]) => k);
}
