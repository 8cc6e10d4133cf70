import type * as openpgp from 'openpgp';
import { decryptBytes, verifyDetached, type PgpLimits, type SignatureCheck } from './pgp-crypto.ts';
import { canonicalCrlf, contentType, decodedBody, multipartParts, parseEntity } from './mime-split.ts';

/** PGP/MIME layers nest (signed inside encrypted); more than this is not a mail anyone wrote. */
const MAX_LAYERS = 4;

export interface Unwrapped {
  /** The innermost readable entity: what mailparser reads for text and attachments. */
  entity: Buffer;
  decrypted: boolean;
  /** Set when an encrypted layer could not be opened. */
  failure?: { detail: string; ciphertext: Buffer };
  /** Checks the signatures of the layers once the sender's key may be known (it can sit inside the encryption). */
  verify(keys: openpgp.PublicKey[]): Promise<SignatureCheck[]>;
}

/**
 * Peels RFC 3156 layers: multipart/encrypted is decrypted with the program's
 * keys, multipart/signed is verified over the exact bytes of its first part.
 * Mail that is neither comes back unchanged (inline PGP is handled later).
 */
export async function unwrapPgpMime(raw: Buffer, keys: openpgp.PrivateKey[], limits: PgpLimits): Promise<Unwrapped> {
  let entity = raw;
  let decrypted = false;
  const checks: Array<(vk: openpgp.PublicKey[]) => Promise<SignatureCheck[]>> = [];
  const verify = async (vk: openpgp.PublicKey[]) => (await Promise.all(checks.map((c) => c(vk)))).flat();

  for (let depth = 0; depth < MAX_LAYERS; depth++) {
    const parsed = parseEntity(entity);
    const ct = contentType(parsed);
    const boundary = ct.params.boundary;
    if (ct.type === 'multipart/encrypted' && boundary) {
      const parts = multipartParts(parsed.body, boundary).map(parseEntity);
      const payloadPart = parts.find((p) => contentType(p).type === 'application/octet-stream') ?? parts[1];
      if (!payloadPart) return { entity, decrypted, failure: { detail: 'the multipart/encrypted message has no encrypted part', ciphertext: parsed.body }, verify };
      const ciphertext = decodedBody(payloadPart);
      const result = await decryptBytes(ciphertext, keys, [], limits);
      if (!result.ok) return { entity, decrypted, failure: { detail: result.detail, ciphertext }, verify };
      decrypted = true;
      if (result.signed) {
        // Signed and encrypted in one OpenPGP message (RFC 3156 §6.2): decrypt again with the keys to check it.
        checks.push(async (vk) => {
          if (vk.length === 0) return result.checks;
          const again = await decryptBytes(ciphertext, keys, vk, limits);
          return again.ok ? again.checks : result.checks;
        });
      }
      entity = result.data;
      continue;
    }
    if (ct.type === 'multipart/signed' && boundary && /pgp-signature/i.test(ct.params.protocol ?? '')) {
      const parts = multipartParts(parsed.body, boundary);
      const [signed, signaturePart] = parts;
      if (!signed) break;
      if (signaturePart) {
        const signature = decodedBody(parseEntity(signaturePart));
        checks.push((vk) => verifyDetached(canonicalCrlf(signed), signature, vk));
      } else {
        checks.push(async () => [{ status: 'invalid' }]);
      }
      entity = signed;
      continue;
    }
    break;
  }
  return { entity, decrypted, verify };
}
