import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Program } from '../programs/programs.ts';

/** Counts only, for the compose form: how many confirmed subscribers each product reaches, and how many follow all products. */
export async function earlyNoticeAudience(db: Db, program: Program): Promise<{ products: { id: string; name: string; subscribers: number }[]; allProductSubscribers: number }> {
  const counts = await db
    .selectFrom('subscribers')
    .select([sql<number>`count(*) FILTER (WHERE all_products)::int`.as('all'), ...program.config.products.map((p) => sql<number>`count(*) FILTER (WHERE NOT all_products AND ${p.id} = ANY(products))::int`.as(`p:${p.id}`))])
    .where('program_id', '=', program.id)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirstOrThrow();
  const byKey = counts as unknown as Record<string, number>;
  return {
    products: program.config.products.map((p) => ({ id: p.id, name: p.name, subscribers: Number(byKey[`p:${p.id}`] ?? 0) })),
    allProductSubscribers: Number(byKey.all ?? 0),
  };
}

/** Why a notice cannot be sent any more, if it cannot (the use case refuses the same: src/early-notices/send-early-notice.ts). */
export function earlyNoticeClosedReason(reportState: string, advisoryState: 'draft' | 'published' | undefined): string | undefined {
  if (['duplicate', 'not-applicable', 'spam'].includes(reportState)) return 'This report was closed without a fix: there is nothing to warn customers about.';
  if (advisoryState === 'published') return 'The advisory is published: subscribers were told by the advisory notice.';
  return undefined;
}

/** The form's values as typed: strings, and the product checkboxes as a list. */
export function typedEarlyNoticeForm(body: Record<string, unknown> | undefined): { products: string[]; title: string; severity: string; summary: string; mitigation: string; expectedFixDate: string; confirm: string } {
  const b = body ?? {};
  const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
  const p = b.products;
  return { products: Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : typeof p === 'string' ? [p] : [], title: s('title'), severity: s('severity'), summary: s('summary'), mitigation: s('mitigation'), expectedFixDate: s('expectedFixDate'), confirm: s('confirm') };
}
