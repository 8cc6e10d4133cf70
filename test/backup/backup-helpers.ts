import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

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

export const drillSecret = randomBytes(32).toString('hex');
