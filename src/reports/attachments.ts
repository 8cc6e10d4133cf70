import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DataKey, ReportVault } from '../crypto/report-vault.ts';
import type { Database } from '../db/schema.ts';
import { stripControlCharacters } from '../domain/control-characters.ts';
import { sealAttachment } from './report-contents.ts';

export interface UploadedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** Keep the uploader's name readable but harmless: no paths, no control characters, bounded. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = stripControlCharacters(base).trim().slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'attachment' : cleaned;
}

/**
 * The type the uploader declared, as stored (in clear) and shown to staff: no
 * control characters (a NUL cannot be stored at all), bounded, and
 * application/octet-stream when nothing is left. Downloads never use it.
 */
export function cleanContentType(declared: string): string {
  return stripControlCharacters(declared).trim().slice(0, 200) || 'application/octet-stream';
}

/** Stores files sealed with their report's key; the ids are made here so each file is sealed bound to its own. */
export async function storeAttachments(
  trx: Transaction<Database>,
  vault: ReportVault,
  key: DataKey,
  reportId: string,
  messageId: string | null,
  files: readonly UploadedFile[],
): Promise<void> {
  if (files.length === 0) return;
  await trx
    .insertInto('report_attachments')
    .values(
      files.map((f) => {
        const id = randomUUID();
        return {
          id,
          report_id: reportId,
          message_id: messageId,
          ...sealAttachment(vault, key, id, { filename: cleanFilename(f.filename), content: f.content }),
          content_type: cleanContentType(f.contentType),
          size: f.content.length,
        };
      }),
    )
    .execute();
}
