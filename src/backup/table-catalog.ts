import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { TableStart } from './backup-format.ts';

export interface CatalogTable extends TableStart {
  /** Tables this one references (other than itself). */
  references: string[];
}

/**
 * Orders tables so each comes after every table it references: rows can then
 * be inserted in that order, and deleted in the reverse. Ties break by name so
 * the order is stable. A cycle between tables (none in Embargo's schema) is an
 * error rather than a restore that fails half-way.
 */
export function restoreOrder(tables: readonly Pick<CatalogTable, 'table' | 'references'>[]): string[] {
  const remaining = new Map(tables.map((t) => [t.table, new Set(t.references.filter((r) => r !== t.table))]));
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter(([, deps]) => [...deps].every((d) => !remaining.has(d))).map(([name]) => name).sort();
    if (ready.length === 0) throw new Error(`These tables reference each other in a cycle: ${[...remaining.keys()].sort().join(', ')}`);
    for (const name of ready) {
      order.push(name);
      remaining.delete(name);
    }
  }
  return order;
}

/** Every table of the public schema with what a backup and a restore need to know, from the catalog. */
export async function readCatalog(db: Db): Promise<Map<string, CatalogTable>> {
  const columns = await sql<{ table: string; column: string; generated: string; identity: string }>`
    SELECT c.relname AS table, a.attname AS column, a.attgenerated AS generated, a.attidentity AS identity
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum`.execute(db);
  const constraints = await sql<{ table: string; kind: string; referenced: string | null; columns: string[] }>`
    SELECT c.relname AS table, k.contype AS kind, r.relname AS referenced,
           ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, i)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.i) AS columns
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_class r ON r.oid = k.confrelid
    WHERE n.nspname = 'public' AND k.contype IN ('f', 'p')`.execute(db);
  const tables = new Map<string, CatalogTable>();
  for (const c of columns.rows) {
    let t = tables.get(c.table);
    if (!t) tables.set(c.table, (t = { table: c.table, columns: [], selfReferences: [], primaryKey: [], identity: [], references: [] }));
    if (c.generated === '') t.columns.push(c.column);
    if (c.identity !== '') t.identity.push(c.column);
  }
  for (const k of constraints.rows) {
    const t = tables.get(k.table);
    if (!t) continue;
    if (k.kind === 'p') t.primaryKey = k.columns;
    else if (k.referenced === k.table) t.selfReferences.push(...k.columns);
    else if (k.referenced && !t.references.includes(k.referenced)) t.references.push(k.referenced);
  }
  return tables;
}
