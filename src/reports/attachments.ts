import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface UploadedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** Keep the uploader's name readable but harmless: no paths, no control characters, bounded. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'attachment' : cleaned;
}

export async function storeAttachments(
  trx: Transaction<Database>,
  reportId: string,
  messageId: string | null,
  files: readonly UploadedFile[],
): Promise<void> {
  if (files.length === 0) return;
  await trx
    .insertInto('report_attachments')
    .values(
      files.map((f) => ({
        report_id: reportId,
        message_id: messageId,
        filename: cleanFilename(f.filename),
        content_type: f.contentType.slice(0, 200) || 'application/octet-stream',
        size: f.content.length,
        sha256: createHash('sha256').update(f.content).digest('hex'),
        content: f.content,
      })),
    )
    .execute();
}
