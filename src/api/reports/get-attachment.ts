import type { AppContext } from '../../context.ts';
import { sendAttachment } from '../../web/download.ts';
import { defineEndpoint } from '../endpoint.ts';
import { attachmentParams, reportOfToken } from './report-access.ts';

export function getAttachmentEndpoint(ctx: AppContext) {
  return defineEndpoint({
    method: 'GET',
    path: '/api/v1/reports/{reference}/attachments/{id}',
    operationId: 'downloadAttachment',
    summary: 'Download an attachment',
    description: 'Always application/octet-stream with Content-Disposition: attachment; the uploader’s declared type is in the listing only.',
    scopes: ['reports:read'],
    params: attachmentParams,
    responses: { 200: { description: 'The file’s bytes.', contentType: 'application/octet-stream' } },
    errors: ['forbidden', 'not_found', 'restricted'],
    async handler({ reply, principal, params }) {
      const report = await reportOfToken(ctx, principal, params.reference);
      return sendAttachment(ctx.db, ctx.vault, reply, { reportId: report.id, attachmentId: params.id, reporterVisibleOnly: false, reader: { kind: 'api-token', id: principal.tokenId } });
    },
  });
}
