import type { FastifyRequest } from 'fastify';
import type { UploadedFile } from '../reports/attachments.ts';
import { formatSize } from './views/layout.tsx';

export interface ParsedForm {
  fields: Record<string, string>;
  files: UploadedFile[];
  /** A message for the attachments field when files were refused; fields are still complete. */
  fileError: string | undefined;
}

/**
 * Reads a multipart form completely even when a file is too large or there
 * are too many, so the page can be shown again with everything typed kept.
 */
export async function readMultipartForm(request: FastifyRequest, limits: { maxFiles: number; maxBytes: number }): Promise<ParsedForm> {
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  let fileError: string | undefined;
  const parts = request.parts({
    // Generous part limits: we count files ourselves to give a precise message.
    limits: { fileSize: limits.maxBytes, files: Math.max(20, limits.maxFiles * 4), fields: 100, fieldSize: 256 * 1024 },
    // Read at run time though missing from the parts() typing: lets us report a truncated file instead of throwing.
    throwFileSizeLimit: false,
  } as Parameters<FastifyRequest['parts']>[0]);
  try {
    for await (const part of parts) {
    if (part.type === 'field') {
      if (typeof part.value === 'string' && !(part.fieldname in fields)) fields[part.fieldname] = part.value;
      continue;
    }
    const content = await part.toBuffer();
    // A file input left empty still sends a part with no name and no bytes.
    if (part.filename === '' && content.length === 0) continue;
    if (part.file.truncated) {
      fileError = `“${part.filename}” is larger than ${formatSize(limits.maxBytes)}. Attach a smaller file or split it.`;
      continue;
    }
    if (files.length >= limits.maxFiles) {
      fileError = `At most ${limits.maxFiles} files can be attached at once.`;
      continue;
    }
    files.push({ filename: part.filename, contentType: part.mimetype, content });
    }
  } catch (err) {
    if ((err as { code?: string }).code !== 'FST_FILES_LIMIT') throw err;
    fileError = `At most ${limits.maxFiles} files can be attached at once.`;
  }
  return { fields, files, fileError };
}
