import type { ParsedMail } from 'mailparser';
import type * as openpgp from 'openpgp';
import type { MailDecryption, MailSignature } from '../db/schema.ts';
import type { UploadedFile } from '../reports/attachments.ts';
import { messageIds } from './classify.ts';
import { openInline } from './inline-pgp.ts';
import { header, parseEntity, type RawEntity } from './mime-split.ts';
import { combineChecks, readPublicKeys, type PgpLimits } from './pgp-crypto.ts';
import { unwrapPgpMime } from './pgp-mime.ts';

/** A received mail as the intake needs it: who, what, threading, and what the crypto said. */
export interface OpenedMail {
  outer: RawEntity;
  from: { address: string; name: string | undefined } | undefined;
  subject: string;
  messageId: string | undefined;
  /** In-Reply-To then References, newest last. */
  threadIds: string[];
  text: string;
  files: UploadedFile[];
  /** Public keys attached to or pasted in the mail. */
  senderKeys: openpgp.PublicKey[];
  decryption: MailDecryption;
  signature: MailSignature;
  signerFingerprint: string | undefined;
  /** The signer key's user IDs, when the signer's key was known (attached or on file). */
  signerUserIds?: string[];
  /** Sentences on what could not be opened, for staff and the acknowledgement. */
  problems: string[];
}

const KEY_BLOCK = /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g;

// html-to-text on megabytes of hostile HTML is slow; past this the HTML part is kept as an attachment only.
const MAX_HTML_TO_TEXT = 1_000_000;

/** PostgreSQL text cannot hold NUL; mail text can (binary junk declared as text). */
export function clean(text: string): string {
  return text.replace(/\u0000/g, '');
}

async function parse(raw: Buffer): Promise<ParsedMail | undefined> {
  // Loaded on the first mail: a server that takes no mail does not carry the parser (docs/performance.md, memory).
  const { simpleParser } = await import('mailparser');
  const options = { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true } as const;
  try {
    return await simpleParser(raw, { ...options, maxHtmlLengthToParse: MAX_HTML_TO_TEXT });
  } catch {
    try {
      return await simpleParser(raw, { ...options, skipHtmlToText: true });
    } catch {
      return undefined;
    }
  }
}

/**
 * Reads a raw mail: PGP/MIME layers first (RFC 3156), then mailparser for
 * text and attachments, then inline PGP. Never throws for anything the sender
 * controls: what cannot be read is reported in `problems` and kept (the
 * ciphertext as an attachment; the raw message is stored anyway).
 */
export async function readMail(raw: Buffer, keys: openpgp.PrivateKey[], knownKeys: openpgp.PublicKey[], limits: PgpLimits): Promise<OpenedMail> {
  const outer = parseEntity(raw);
  const outerParsed = await parse(raw);
  const unwrapped = await unwrapPgpMime(raw, keys, limits);
  const content = unwrapped.failure ? undefined : unwrapped.entity === raw ? outerParsed : await parse(unwrapped.entity);

  const keyTexts: string[] = [];
  const files: UploadedFile[] = [];
  for (const a of content?.attachments ?? []) {
    const isKey = a.contentType === 'application/pgp-keys' || (/\.asc$/i.test(a.filename ?? '') && a.content.includes('BEGIN PGP PUBLIC KEY BLOCK'));
    if (isKey) keyTexts.push(a.content.toString('latin1'));
    else files.push({ filename: clean(a.filename ?? 'attachment'), contentType: clean(a.contentType || 'application/octet-stream'), content: a.content });
  }
  let text = content ? (content.text ?? '') : '';
  if (content && !content.text && !outerParsed) text = unwrapped.entity.toString('utf8'); // unparseable: keep the bytes as text
  const senderKeys = await readPublicKeys([...keyTexts, text]);
  const inline = await openInline(text, files, keys, [...knownKeys, ...senderKeys], limits);
  // A key inside an inline-encrypted block becomes readable only now.
  if (inline.decrypted > 0) senderKeys.push(...(await readPublicKeys([inline.text])));
  const verificationKeys = [...knownKeys, ...senderKeys];
  const checks = [...(await unwrapped.verify(verificationKeys)), ...inline.checks];
  const verdict = combineChecks(checks);

  const problems = [...(unwrapped.failure ? [unwrapped.failure.detail] : []), ...inline.failures];
  if (unwrapped.failure) inline.files.push({ filename: 'encrypted.asc', contentType: 'application/pgp-encrypted', content: unwrapped.failure.ciphertext });
  const fromValue = outerParsed?.from?.value[0];
  // Protected headers (Thunderbird, Memory Hole): the real subject travels inside the encryption.
  const innerSubject = content && content !== outerParsed ? content.subject : undefined;
  return {
    outer,
    from: fromValue?.address ? { address: clean(fromValue.address), name: clean(fromValue.name) || undefined } : undefined,
    subject: clean(innerSubject ?? outerParsed?.subject ?? header(outer, 'subject') ?? '').trim(),
    messageId: messageIds(header(outer, 'message-id'))[0],
    threadIds: [...messageIds(header(outer, 'references')), ...messageIds(header(outer, 'in-reply-to'))],
    // A key pasted in the text is kept as the reporter's key, not as a wall of base64 in the description.
    text: clean(senderKeys.length ? inline.text.replace(KEY_BLOCK, '[OpenPGP public key, kept as the reporter\'s key]') : inline.text),
    files: inline.files,
    senderKeys,
    decryption: problems.length > 0 ? 'failed' : unwrapped.decrypted || inline.decrypted > 0 ? 'decrypted' : 'not-encrypted',
    signature: verdict.signature,
    signerFingerprint: verdict.fingerprint,
    ...(verdict.userIds ? { signerUserIds: verdict.userIds.map(clean) } : {}),
    problems: problems.map(clean),
  };
}
