import * as openpgp from 'openpgp';
import { z } from 'zod';
import type { UploadedFile } from '../reports/attachments.ts';

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

export type OpenedForm = { ok: true; fields: Record<string, string>; files: UploadedFile[] } | { ok: false; message: string };

/**
 * Decrypts a report the browser encrypted to the program key: the sealed
 * JSON of text fields, and each attachment sent as an opaque .pgp file.
 * Fields typed in the clear are ignored when a sealed message is present,
 * so nothing unsealed can slip in beside it.
 */
export async function openSealedForm(
  fields: Record<string, string>,
  files: readonly UploadedFile[],
  keys: openpgp.PrivateKey[],
): Promise<OpenedForm> {
  if (keys.length === 0) return { ok: false, message: 'This server has no key to decrypt your report. Please send it without JavaScript, or by e-mail.' };
  let sealed: z.infer<typeof sealedSchema>;
  try {
    const message = await openpgp.readMessage({ armoredMessage: fields.sealed ?? '' });
    const { data } = await openpgp.decrypt({ message, decryptionKeys: keys });
    sealed = sealedSchema.parse(JSON.parse(String(data)));
  } catch {
    return { ok: false, message: 'Your encrypted report could not be read. Reload the page and send it again.' };
  }
  const opened: UploadedFile[] = [];
  for (const [i, file] of files.entries()) {
    try {
      const message = await openpgp.readMessage({ binaryMessage: new Uint8Array(file.content) });
      const { data } = await openpgp.decrypt({ message, decryptionKeys: keys, format: 'binary' });
      opened.push({ filename: sealed.attachmentNames[i] ?? `attachment-${i + 1}`, contentType: 'application/octet-stream', content: Buffer.from(data as Uint8Array) });
    } catch {
      return { ok: false, message: `Attachment ${i + 1} could not be decrypted. Attach it again and resend.` };
    }
  }
  const { attachmentNames: _names, ...text } = sealed;
  const merged: Record<string, string> = { ...fields };
  for (const key of Object.keys(sealedSchema.shape)) if (key !== 'attachmentNames') delete merged[key];
  for (const [k, v] of Object.entries(text)) if (v !== undefined) merged[k] = v;
  delete merged.sealed;
  return { ok: true, fields: merged, files: opened };
}
