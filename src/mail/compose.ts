import { createHmac } from 'node:crypto';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import type * as openpgp from 'openpgp';
import { openpgpLib } from '../keys/openpgp-lib.ts';
import { OPENPGP_CONFIG } from '../keys/key-protection.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

export interface MailToCompose {
  /** "Display Name <address>" or a bare address; encoded as RFC 2047 where needed. */
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  /** Without angle brackets. */
  messageId: string;
  inReplyTo?: string;
  references?: readonly string[];
  /** RFC 3834: marks mail a machine sent so that well-behaved responders do not answer it. */
  autoSubmitted?: 'auto-replied' | 'auto-generated';
  /** RFC 2369 and RFC 8058: an https address that unsubscribes with one POST (subscriber mail). */
  listUnsubscribe?: string;
  date?: Date;
  /** PGP/MIME (RFC 3156): the text is encrypted to this key and signed with `signWith`. */
  encrypt?: { to: openpgp.PublicKey; signWith: openpgp.PrivateKey | undefined };
  /** PGP/MIME signed only (RFC 3156 §5, multipart/signed), for mail that is not encrypted: advisory and subscriber mail. */
  sign?: openpgp.PrivateKey | undefined;
}

/**
 * The Message-ID of the mail a job sends: the same for every attempt of that
 * job (receivers deduplicate a mail whose 250 we never saw), unguessable
 * (threading trusts In-Reply-To against it), and on the sender's domain.
 */
export function messageIdForJob(secret: InstanceSecret, jobId: string, fromAddress: string): string {
  const local = createHmac('sha256', secret.derive('message-id', 'v1')).update(jobId).digest('base64url').slice(0, 24);
  return `${local}.${jobId}@${fromAddress.slice(fromAddress.lastIndexOf('@') + 1)}`;
}

const bracket = (id: string) => `<${id}>`;

function envelopeHeaders(mail: MailToCompose): Record<string, string> {
  const headers: Record<string, string> = {
    From: mail.from,
    To: mail.to,
    Subject: mail.subject,
    Date: (mail.date ?? new Date()).toUTCString(),
    'Message-ID': bracket(mail.messageId),
  };
  if (mail.replyTo) headers['Reply-To'] = mail.replyTo;
  if (mail.inReplyTo) headers['In-Reply-To'] = bracket(mail.inReplyTo);
  if (mail.references?.length) headers.References = mail.references.map(bracket).join(' ');
  if (mail.autoSubmitted) {
    headers['Auto-Submitted'] = mail.autoSubmitted;
    // Exchange and Outlook honour this instead of RFC 3834: no out-of-office answer to our acknowledgements.
    headers['X-Auto-Response-Suppress'] = 'All';
  }
  if (mail.listUnsubscribe) {
    headers['List-Unsubscribe'] = bracket(mail.listUnsubscribe);
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return headers;
}

function textPart(text: string, root?: MimeNode): MimeNode {
  const part = root ? root.createChild('text/plain; charset=utf-8') : new MimeNode('text/plain; charset=utf-8');
  // Mail wants CRLF; templates are written with \n.
  return part.setContent(text.replace(/\r?\n/g, '\r\n'));
}

/**
 * Builds the message as it goes on the wire. Encrypted mail is RFC 3156
 * PGP/MIME, signed and encrypted in one OpenPGP message (§6.2), so GnuPG,
 * Thunderbird and mutt show it decrypted with the signature checked; only
 * the envelope headers (no report details) stay readable.
 */
export async function composeMail(mail: MailToCompose): Promise<Buffer> {
  if (!mail.encrypt && mail.sign) return composeSigned(mail, mail.sign);
  if (!mail.encrypt) {
    const root = textPart(mail.text);
    root.setHeader(envelopeHeaders(mail));
    return root.build();
  }
  const pgp = await openpgpLib();
  const inner = await textPart(mail.text).build();
  const armored = await pgp.encrypt({
    message: await pgp.createMessage({ binary: inner }),
    encryptionKeys: mail.encrypt.to,
    ...(mail.encrypt.signWith ? { signingKeys: mail.encrypt.signWith } : {}),
    config: OPENPGP_CONFIG,
  });
  const root = new MimeNode('multipart/encrypted; protocol="application/pgp-encrypted"');
  root.setHeader(envelopeHeaders(mail));
  root
    .createChild('application/pgp-encrypted')
    .setHeader({ 'Content-Description': 'PGP/MIME version identification', 'Content-Transfer-Encoding': '7bit' })
    .setContent('Version: 1\r\n');
  root
    .createChild('application/octet-stream; name="encrypted.asc"')
    .setHeader({ 'Content-Description': 'OpenPGP encrypted message', 'Content-Disposition': 'inline; filename="encrypted.asc"', 'Content-Transfer-Encoding': '7bit' })
    .setContent(armored.replace(/\r?\n/g, '\r\n'));
  return root.build();
}

/** The signed entity's headers: only its Content-* lines (a standalone build adds MIME-Version and others). */
function contentEntity(built: Buffer): string {
  const text = built.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const headerLines = text.slice(0, split).split(/\r\n(?![ \t])/);
  return `${headerLines.filter((h) => /^content-/i.test(h)).join('\r\n')}\r\n\r\n${text.slice(split + 4)}`;
}

/**
 * RFC 3156 §5: multipart/signed with a detached signature over the first part exactly as
 * sent (CRLF, quoted-printable, so no transport re-encodes it). Clients show the text with
 * the signature checked against the program key (/pgp-key.txt, WKD).
 */
async function composeSigned(mail: MailToCompose, key: openpgp.PrivateKey): Promise<Buffer> {
  const pgp = await openpgpLib();
  const part = textPart(mail.text).setHeader('Content-Transfer-Encoding', 'quoted-printable');
  const entity = contentEntity(await part.build());
  const signature = await pgp.sign({
    message: await pgp.createMessage({ binary: Buffer.from(entity, 'latin1') }),
    signingKeys: key,
    detached: true,
    format: 'armored',
    config: OPENPGP_CONFIG,
  });
  // micalg names the hash the signature really used (RFC 3156 §5), as the key's preferences chose it.
  const hash = (await pgp.readSignature({ armoredSignature: String(signature) })).packets[0]?.hashAlgorithm;
  const hashName = Object.entries(pgp.enums.hash as unknown as Record<string, number>).find(([, value]) => value === hash)?.[0];
  const micalg = `pgp-${(hashName ?? 'sha256').toLowerCase()}`;
  const root = new MimeNode(`multipart/signed; micalg=${micalg}; protocol="application/pgp-signature"`);
  root.setHeader(envelopeHeaders(mail));
  root.createChild('text/plain').setRaw(entity);
  root
    .createChild('application/pgp-signature; name="signature.asc"')
    .setHeader({ 'Content-Description': 'OpenPGP digital signature', 'Content-Disposition': 'attachment; filename="signature.asc"', 'Content-Transfer-Encoding': '7bit' })
    .setContent(String(signature).replace(/\r?\n/g, '\r\n'));
  return root.build();
}
