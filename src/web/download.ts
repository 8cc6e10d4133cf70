import type { FastifyReply } from 'fastify';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { NotFoundError } from '../errors.ts';
import { auditReportRead } from '../audit/audit-hooks.ts';
import { openAttachmentContent, openAttachmentName, reportKey } from '../reports/report-contents.ts';

/**
 * Sends an attachment as a download, never rendered: a neutral content type,
 * Content-Disposition attachment, nosniff and a sandboxing CSP.
 */
export async function sendAttachment(
  db: Db,
  vault: ReportVault,
  reply: FastifyReply,
  /** `reader`: staff or an API token, whose download goes in the audit log (the reporter's own does not). */
  args: { reportId: string; attachmentId: string; reporterVisibleOnly: boolean; reader?: { kind: 'staff'; id: string } | { kind: 'api-token'; id: string } },
): Promise<FastifyReply> {
  if (!/^[0-9a-f-]{36}$/.test(args.attachmentId)) throw new NotFoundError('This attachment');
  let q = db
    .selectFrom('report_attachments as a')
    .innerJoin('reports as r', 'r.id', 'a.report_id')
    .leftJoin('report_messages as m', 'm.id', 'a.message_id')
    .select(['a.id', 'a.filename_sealed', 'a.content', 'r.data_key', 'm.visibility'])
    .where('a.id', '=', args.attachmentId)
    .where('a.report_id', '=', args.reportId);
  if (args.reporterVisibleOnly) q = q.where((eb) => eb.or([eb('a.message_id', 'is', null), eb('m.visibility', '=', 'reporter')]));
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError('This attachment');
  if (args.reader) await auditReportRead({ db }, args.reader, args.reportId, 'attachment.downloaded', row.id);
  const key = reportKey(vault, { id: args.reportId, data_key: row.data_key });
  const filename = openAttachmentName(vault, key, row.id, row.filename_sealed);
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'no-store')
    .send(openAttachmentContent(vault, key, row.id, row.content));
}
