import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hkdfSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { inspect } from 'node:util';

/** Fewer bytes than this would make the derived passphrases guessable. */
export const MIN_SECRET_BYTES = 32;

/**
 * The instance secret protects private keys at rest: each purpose gets its
 * own key derived with HKDF, so the secret itself is never used directly and
 * never stored next to what it protects (the database). The bytes are kept
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

/** Path of the secret generated for installs that do not set EMBARGO_SECRET. */
export function secretFilePath(dataDir: string): string {
  return path.join(dataDir, 'secret.key');
}

/**
 * The instance secret: EMBARGO_SECRET when set, else the one in
 * `<dataDir>/secret.key`, generated on first use (mode 0600). The file is
 * written aside and hard-linked into place, which fails if it exists: two
 * processes starting at once agree on one secret and never read half a file.
 */
export function loadInstanceSecret(fromEnv: InstanceSecret | undefined, dataDir: string): InstanceSecret {
  if (fromEnv) return fromEnv;
  const file = secretFilePath(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const draft = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(draft, `${randomBytes(MIN_SECRET_BYTES).toString('base64')}\n`, { mode: 0o600 });
    linkSync(draft, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(draft, { force: true });
  }
  const decoded = decodeSecret(readFileSync(file, 'utf8'));
  if (typeof decoded === 'string') throw new Error(`${file}: the instance secret ${decoded}.`);
  return new InstanceSecret(decoded, file);
}
