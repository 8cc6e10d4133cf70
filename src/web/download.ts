import type { FastifyReply } from 'fastify';
import type { Db } from '../db/database.ts';
import { NotFoundError } from '../errors.ts';

/**
 * Sends an attachment as a download, never rendered: a neutral content type,
 * Content-Disposition attachment, nosniff and a sandboxing CSP.
 */
export async function sendAttachment(
  db: Db,
  reply: FastifyReply,
  args: { reportId: string; attachmentId: string; reporterVisibleOnly: boolean },
): Promise<FastifyReply> {
  if (!/^[0-9a-f-]{36}$/.test(args.attachmentId)) throw new NotFoundError('This attachment');
  let q = db
    .selectFrom('report_attachments as a')
    .leftJoin('report_messages as m', 'm.id', 'a.message_id')
    .select(['a.filename', 'a.content', 'a.size', 'm.visibility'])
    .where('a.id', '=', args.attachmentId)
    .where('a.report_id', '=', args.reportId);
  if (args.reporterVisibleOnly) q = q.where((eb) => eb.or([eb('a.message_id', 'is', null), eb('m.visibility', '=', 'reporter')]));
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError('This attachment');
  const ascii = row.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(row.filename)}`)
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'no-store')
    .send(row.content);
}
