import type * as openpgp from 'openpgp';
import { z } from 'zod';
import { decryptBytes } from '../mail-intake/pgp-crypto.ts';
import type { UploadedFile } from '../reports/attachments.ts';
import { fileTooLargeMessage, tooManyFilesMessage, type UploadLimits } from './upload-messages.ts';

/**
 * Most bytes the sealed text fields may decrypt to: the JSON of every field
 * at its longest (sealedSchema), with room for escaping and multi-byte
 * characters. A message inflating beyond it is refused before it is parsed.
 */
export const SEALED_FIELDS_MAX_BYTES = 1024 * 1024;

/** What the browser script seals (src/client/report-form-encryption.ts). */
const sealedSchema = z.object({
  title: z.string().max(10_000).optional(),
  productVersion: z.string().max(10_000).optional(),
  description: z.string().max(100_000).optional(),
  stepsToReproduce: z.string().max(100_000).optional(),
  impact: z.string().max(100_000).optional(),
  cvssVector: z.string().max(1000).optional(),
  reporterName: z.string().max(1000).optional(),
  reporterHandle: z.string().max(1000).optional(),
  reporterEmail: z.string().max(1000).optional(),
  attachmentNames: z.array(z.string().max(1000)).max(100).default([]),
});

/**
 * The form as decrypted. `error` names the field a refusal belongs to, so an
 * inflated file reads like any oversized one; the text fields are opened
 * even then, so the page can show again what was typed.
 */
export interface OpenedForm {
  fields: Record<string, string>;
  files: UploadedFile[];
  error?: { field: '_form' | 'attachments'; message: string };
}

/**
 * Decrypts a report the browser encrypted to the program key: the sealed
 * JSON of text fields, and each attachment sent as an opaque .pgp file.
 * Fields typed in the clear are ignored when a sealed message is present,
 * so nothing unsealed can slip in beside it. Decryption goes through the
 * mail intake's decryptBytes with a byte budget: the attachment limit for
 * each file, SEALED_FIELDS_MAX_BYTES for the fields; the file count is
 * checked before anything is decrypted.
 */
export async function openSealedForm(
  fields: Record<string, string>,
  files: readonly UploadedFile[],
  keys: openpgp.PrivateKey[],
  limits: UploadLimits,
): Promise<OpenedForm> {
  const { sealed: _sealed, ...clear } = fields;
  const refuse = (field: '_form' | 'attachments', message: string, opened = clear): OpenedForm => ({ fields: opened, files: [], error: { field, message } });
  if (keys.length === 0) return refuse('_form', 'This server has no key to decrypt your report. Please send it without JavaScript, or by e-mail.');
  const text = await decryptBytes(Buffer.from(fields.sealed ?? ''), keys, [], { maxDecompressedBytes: SEALED_FIELDS_MAX_BYTES });
  if (!text.ok && text.tooLarge) return refuse('_form', 'Your encrypted report is too large once decrypted. Shorten the longest fields and send it again.');
  let sealed: z.infer<typeof sealedSchema>;
  try {
    if (!text.ok) throw new Error(text.detail);
    sealed = sealedSchema.parse(JSON.parse(text.data.toString('utf8')));
  } catch {
    return refuse('_form', 'Your encrypted report could not be read. Reload the page and send it again.');
  }
  const { attachmentNames, ...sealedText } = sealed;
  const merged: Record<string, string> = { ...clear };
  for (const key of Object.keys(sealedSchema.shape)) delete merged[key];
  for (const [k, v] of Object.entries(sealedText)) if (v !== undefined) merged[k] = v;

  if (files.length > limits.maxFiles) return refuse('attachments', tooManyFilesMessage(limits), merged);
  const opened: UploadedFile[] = [];
  for (const [i, file] of files.entries()) {
    const filename = attachmentNames[i] ?? `attachment-${i + 1}`;
    const plain = await decryptBytes(file.content, keys, [], { maxDecompressedBytes: limits.maxBytes });
    if (!plain.ok && plain.tooLarge) return refuse('attachments', fileTooLargeMessage(filename, limits), merged);
    if (!plain.ok) return refuse('attachments', `Attachment ${i + 1} could not be decrypted. Attach it again and resend.`, merged);
    opened.push({ filename, contentType: 'application/octet-stream', content: plain.data });
  }
  return { fields: merged, files: opened };
}
