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

/**
 * The base64 forms of a text at each of the three byte alignments, without the partial characters at either
 * end: what the text looks like inside an ASCII-armored OpenPGP block, a data URL or base64 JSON.
 */
function base64Forms(text: string): string[] {
  const bytes = Buffer.from(text);
  return [0, 1, 2].map((k) => {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const start = Math.ceil((k * 4) / 3) + (k === 0 ? 0 : 1);
    return encoded.slice(start, encoded.length - 4);
  });
}

/**
 * The markers found in a dump, compared case-insensitively (as hex too, in case a driver hexes text), and in
 * base64 (line breaks ignored, as in armor) for markers long enough that a match cannot be chance.
 */
export function leakedMarkers(dump: string, markers: Record<string, string>): string[] {
  const lower = dump.toLowerCase();
  const joined = dump.replace(/\s+/g, '');
  return Object.entries(markers)
    .filter(
      ([, m]) =>
        lower.includes(m.toLowerCase()) ||
        lower.includes(Buffer.from(m).toString('hex')) ||
        (m.length >= 12 && base64Forms(m).some((form) => form.length >= 8 && joined.includes(form))),
    )
    .map(([k]) => k);
}
