import { hkdfSync, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';

/** Fewer bytes than this would make the derived passphrases guessable. */
export const MIN_SECRET_BYTES = 32;

/**
 * The instance secret protects private keys at rest: each purpose gets its
 * own key derived with HKDF, so the secret itself is never used directly and
 * never stored next to what it protects (the database, the data directory:
 * see secret-file.ts). The bytes are kept
 * private and hidden from JSON and console output so that logging a config
 * or a context cannot leak them.
 */
export class InstanceSecret {
  readonly #bytes: Buffer;
  readonly #derived = new Map<string, Buffer>();

  constructor(
    bytes: Buffer,
    /** Where it came from, for messages: "EMBARGO_SECRET" or the file's path. */
    readonly source: string,
  ) {
    if (bytes.length < MIN_SECRET_BYTES) throw new Error(`The instance secret must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length}.`);
    this.#bytes = Buffer.from(bytes);
  }

  /** A key for one purpose, e.g. ("program-key", fingerprint); different inputs give unrelated keys. */
  derive(purpose: string, context: string, length = 32): Buffer {
    // HKDF is deterministic and hot paths (sealing, hashing) ask for the same few keys per request.
    const key = `${purpose}\0${context}\0${length}`;
    let derived = this.#derived.get(key);
    if (!derived) {
      derived = Buffer.from(hkdfSync('sha256', this.#bytes, Buffer.from(`embargo:${purpose}`), Buffer.from(context), length));
      // seal() derives per purpose (purposes are fixed strings), so the map stays small.
      if (this.#derived.size < 256) this.#derived.set(key, derived);
    }
    return Buffer.from(derived);
  }

  /** Whether two secrets are the same bytes (say, a file and its leftover copy). */
  sameAs(other: InstanceSecret): boolean {
    return this.#bytes.length === other.#bytes.length && timingSafeEqual(this.#bytes, other.#bytes);
  }

  toJSON(): string {
    return '[instance secret]';
  }

  [inspect.custom](): string {
    return `InstanceSecret(${this.source})`;
  }
}

/**
 * Decodes EMBARGO_SECRET: hex (even number of hex digits) or base64/base64url.
 * Returns an error message instead of throwing so config parsing can list it
 * with every other problem.
 */
export function decodeSecret(text: string): Buffer | string {
  const value = text.trim();
  let bytes: Buffer;
  if (/^(?:[0-9a-fA-F]{2})+$/.test(value)) bytes = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  else return 'must be hex or base64 (generate one with: openssl rand -base64 32)';
  if (bytes.length < MIN_SECRET_BYTES) return `must decode to at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length} (generate one with: openssl rand -base64 32)`;
  return bytes;
}
