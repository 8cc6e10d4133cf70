import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import type { ReportVault } from '../../src/crypto/report-vault.ts';
import { draftAdvisoryFromReport, loadStaffAdvisory, publishAdvisory } from '../../src/advisories/advisory-store.ts';
import { postReporterReply, postStaffMessage } from '../../src/reports/report-actions.ts';
import { openAttachmentContent, openAttachmentName, openMessageBody, openTitle, reportKey } from '../../src/reports/report-contents.ts';

/** One report submitted through the real form of a running server, with an attachment. */
export async function submitThroughForm(baseUrl: string, n: number, attachment: Buffer): Promise<{ status: number; location: string | null }> {
  const page = await fetch(`${baseUrl}/report`);
  const html = await page.text();
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const form = new FormData();
  const fields: Record<string, string> = {
    _csrf: field('_csrf'),
    policyVersion: field('policyVersion'),
    title: `Drill report ${n}: SQL injection in the export`,
    product: 'example-cloud',
    productVersion: '4.2.1',
    vulnerabilityType: 'sqli',
    description: `The export endpoint concatenates the sort parameter into SQL (report ${n}).`,
    stepsToReproduce: "1. GET /export?sort=name'--\n2. See the database error.",
    impact: 'Read every tenant’s data.',
    cvssVector: '',
    reporterName: `Reporter ${n}`,
    reporterHandle: '',
    reporterEmail: `reporter${n}@example.org`,
    creditPreference: 'name',
    acceptPolicy: 'yes',
  };
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('attachments', new Blob([new Uint8Array(attachment)]), `poc-${n}.bin`);
  // A different documentation address per report: the drill measures backups, not the rate limit.
  const res = await fetch(`${baseUrl}/report`, { method: 'POST', body: form, headers: { cookie, 'x-forwarded-for': `198.51.100.${(n % 250) + 1}` }, redirect: 'manual' });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
}

/** Deterministic attachment bytes for report n (random-looking, so gzip cannot hide a mistake). */
export function attachmentFor(n: number): Buffer {
  const out = Buffer.alloc(20_000 + n * 97);
  let block = createHash('sha256').update(`drill-${n}`).digest();
  for (let i = 0; i < out.length; i += 32) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/**
 * A fingerprint of everything stored about each report, as PostgreSQL renders
 * it (sealed columns as bytes): equal on two databases means byte-identical.
 */
export async function reportFingerprints(db: Db): Promise<Map<string, string>> {
  const rows = await sql<{ reference: string; fp: string }>`
    SELECT r.reference,
      md5(row_to_json(r)::text
        || coalesce((SELECT string_agg(row_to_json(e)::text, '|' ORDER BY e.id) FROM report_events e WHERE e.report_id = r.id), '')
        || coalesce((SELECT string_agg(row_to_json(m)::text, '|' ORDER BY m.id) FROM report_messages m WHERE m.report_id = r.id), '')
        || coalesce((SELECT string_agg(row_to_json(a)::text, '|' ORDER BY a.id) FROM report_attachments a WHERE a.report_id = r.id), '')) AS fp
    FROM reports r`.execute(db);
  return new Map(rows.rows.map((r) => [r.reference, r.fp]));
}

/** Rewrites a backup's header (and every checksum after it), as a newer or foreign writer would have made it. */
export function rewriteBackupHeader(file: string, out: string, change: (header: Record<string, unknown>) => void): void {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const header = JSON.parse(lines[0]!.slice(1)) as Record<string, unknown>;
  change(header);
  lines[0] = `#${JSON.stringify(header)}`;
  const body = lines.slice(0, -2).join('\n') + '\n'; // without the trailer and the final empty string
  const trailer = JSON.parse(lines.at(-2)!.slice(1)) as Record<string, unknown>;
  trailer.sha256 = createHash('sha256').update(body).digest('hex');
  writeFileSync(out, gzipSync(body + `#${JSON.stringify(trailer)}\n`));
}

/**
 * Rewrites the rows of one table of a backup (and every checksum and count after them), as a
 * consistent file whose load fails, e.g. with a duplicate key.
 */
export function rewriteBackupRows(file: string, out: string, table: string, change: (rows: string[]) => string[]): void {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').slice(0, -2); // without the trailer and the final empty string
  const start = lines.findIndex((l) => l.startsWith('#') && (JSON.parse(l.slice(1)) as { table?: string }).table === table);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('#') && (JSON.parse(l.slice(1)) as { tableEnd?: string }).tableEnd === table);
  if (start < 0 || end < 0) throw new Error(`no table ${table} in ${file}`);
  const rows = change(lines.slice(start + 1, end));
  const tableEnd = { tableEnd: table, rows: rows.length, sha256: createHash('sha256').update(rows.map((r) => `${r}\n`).join('')).digest('hex') };
  const rebuilt = [...lines.slice(0, start + 1), ...rows, `#${JSON.stringify(tableEnd)}`, ...lines.slice(end + 1)];
  const body = rebuilt.join('\n') + '\n';
  const total = rebuilt.filter((l) => !l.startsWith('#')).length;
  writeFileSync(out, gzipSync(body + `#${JSON.stringify({ complete: true, rows: total, sha256: createHash('sha256').update(body).digest('hex') })}\n`));
}

export const drillSecret = randomBytes(32).toString('hex');

/** Deterministic bytes for a thread attachment (not the same as any submission's). */
export function threadAttachment(reference: string, who: 'staff' | 'reporter'): Buffer {
  return attachmentFor(1000 + Number(/(\d+)$/.exec(reference)?.[1] ?? 0) * 2 + (who === 'staff' ? 0 : 1));
}

/**
 * What the drill puts on top of plain reports, through the real use cases: on every report a
 * staff reply and a reporter reply, each with an attachment; on the first report a published
 * advisory, on the second an advisory left as a (sealed) draft.
 */
export async function seedThreadsAndAdvisories(db: Db, vault: ReportVault, leadId: string, baseUrl: string): Promise<void> {
  const reports = await db.selectFrom('reports').select(['id', 'reference']).orderBy('reference').execute();
  for (const r of reports) {
    await postStaffMessage(db, vault, {
      reportId: r.id,
      actorId: leadId,
      visibility: 'reporter',
      body: `Staff reply on ${r.reference}: we reproduced it ✓`,
      files: [{ filename: `staff-${r.reference}.bin`, contentType: 'application/octet-stream', content: threadAttachment(r.reference, 'staff') }],
    });
    await postReporterReply(db, vault, {
      reportId: r.id,
      body: `Reporter reply on ${r.reference}: here is a second trace`,
      files: [{ filename: `reporter-${r.reference}.bin`, contentType: 'application/octet-stream', content: threadAttachment(r.reference, 'reporter') }],
    });
  }
  const published = await draftAdvisoryFromReport(db, vault, { reportReference: reports[0]!.reference, actorId: leadId });
  const content = (await loadStaffAdvisory(db, vault, published.id))!.content;
  await publishAdvisory(db, vault, { id: published.id, actorId: leadId, content: { ...content, summary: 'Published in the drill.' }, revisionSummary: '', baseUrl });
  await draftAdvisoryFromReport(db, vault, { reportReference: reports[1]!.reference, actorId: leadId });
}

export interface OpenedReport {
  title: string;
  /** Thread messages in order, bodies opened with the secret. */
  messages: { author: string; visibility: string; body: string }[];
  /** Every attachment (submission and thread), opened: the body of its message ('' for the submission), name and bytes. */
  attachments: { message: string; name: string; content: Buffer }[];
}

/** Every report's thread and attachments, opened with the vault: reference → plaintext. */
export async function openedReports(db: Db, vault: ReportVault): Promise<Map<string, OpenedReport>> {
  const reports = await db.selectFrom('reports').select(['id', 'reference', 'data_key', 'title_sealed']).execute();
  const out = new Map<string, OpenedReport>();
  for (const r of reports) {
    const key = reportKey(vault, r);
    const messages = await db.selectFrom('report_messages').selectAll().where('report_id', '=', r.id).orderBy('created_at').orderBy('id').execute();
    const bodies = new Map(messages.map((m) => [m.id, openMessageBody(vault, key, m.id, m.body_sealed)]));
    const attachments = await db.selectFrom('report_attachments').selectAll().where('report_id', '=', r.id).orderBy('created_at').orderBy('id').execute();
    out.set(r.reference, {
      title: openTitle(vault, r),
      messages: messages.map((m) => ({ author: m.author_kind, visibility: m.visibility, body: bodies.get(m.id)! })),
      attachments: attachments.map((a) => ({
        message: a.message_id ? bodies.get(a.message_id)! : '',
        name: openAttachmentName(vault, key, a.id, a.filename_sealed),
        content: openAttachmentContent(vault, key, a.id, a.content),
      })),
    });
  }
  return out;
}

/** Every advisory, opened (a draft with the secret): report reference → state, public id, content, and the row as PostgreSQL renders it. */
export async function openedAdvisories(db: Db, vault: ReportVault): Promise<Map<string, { state: string; publicId: string | null; content: unknown; row: string }>> {
  const rows = await sql<{ id: string; reference: string; row: string }>`
    SELECT a.id, r.reference, row_to_json(a)::text AS row FROM advisories a JOIN reports r ON r.id = a.report_id`.execute(db);
  const out = new Map<string, { state: string; publicId: string | null; content: unknown; row: string }>();
  for (const r of rows.rows) {
    const a = (await loadStaffAdvisory(db, vault, r.id))!;
    out.set(r.reference, { state: a.state, publicId: a.publicId, content: a.content, row: r.row });
  }
  return out;
}
