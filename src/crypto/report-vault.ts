import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const TERM_CACHE_SIZE = 20_000;

/** A report's own data key, unwrapped; never stored in this form. */
export interface DataKey {
  readonly reportId: string;
  readonly bytes: Buffer;
}

function gcmSeal(key: KeyObject, aad: string, plaintext: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

function gcmOpen(key: KeyObject, aad: string, sealed: Buffer): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new Error('Not a sealed value of a known version.');
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** Words of a text as the search index sees them: lower case, letters and digits, crude plural folding. */
export function indexWords(text: string): string[] {
  const words = new Set<string>();
  for (const raw of text.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (raw.length < 2 || raw.length > 64) continue;
    words.add(raw.length > 4 && raw.endsWith('s') && !raw.endsWith('ss') ? raw.slice(0, -1) : raw);
    if (words.size >= 5000) break;
  }
  return [...words];
}

/**
 * Envelope encryption of report contents at rest. Every report has its own
 * random data key, stored wrapped (AES-256-GCM) under a key derived from the
 * instance secret; fields are sealed with the data key and bound to their
 * report and purpose (AAD), so a sealed value cannot be moved to another row
 * or column. A database dump alone reveals no report text.
 *
 * Search works on a blind index: keyed hashes of the words, which match
 * exact words without storing them.
 */
export class ReportVault {
  // KeyObjects, not Buffers: Node turns a Buffer key into a key object on every cipher and HMAC,
  // which cost 3 to 5 times the operation itself (docs/performance.md).
  readonly #kek: KeyObject;
  readonly #indexKey: KeyObject;
  readonly #terms = new Map<string, string>();
  readonly #dataKeys = new WeakMap<DataKey, KeyObject>();

  constructor(secret: InstanceSecret) {
    this.#kek = createSecretKey(secret.derive('report-key-wrap', 'v1'));
    this.#indexKey = createSecretKey(secret.derive('report-blind-index', 'v1'));
  }

  /** The data key as a key object, made once per DataKey (a submission seals a dozen fields with it). */
  #keyObject(key: DataKey): KeyObject {
    let k = this.#dataKeys.get(key);
    if (!k) {
      k = createSecretKey(key.bytes);
      this.#dataKeys.set(key, k);
    }
    return k;
  }

  /** A fresh data key for a new report, with the wrapped form to store. */
  newKey(reportId: string): { key: DataKey; wrapped: Buffer } {
    const bytes = randomBytes(32);
    return { key: { reportId, bytes }, wrapped: gcmSeal(this.#kek, `report-key:${reportId}`, bytes) };
  }

  openKey(reportId: string, wrapped: Buffer): DataKey {
    return { reportId, bytes: gcmOpen(this.#kek, `report-key:${reportId}`, wrapped) };
  }

  seal(key: DataKey, purpose: string, plaintext: Buffer | string): Buffer {
    return gcmSeal(this.#keyObject(key), `${key.reportId}:${purpose}`, typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext);
  }

  open(key: DataKey, purpose: string, sealed: Buffer): Buffer {
    return gcmOpen(this.#keyObject(key), `${key.reportId}:${purpose}`, sealed);
  }

  openText(key: DataKey, purpose: string, sealed: Buffer): string {
    return this.open(key, purpose, sealed).toString('utf8');
  }

  sealJson(key: DataKey, purpose: string, value: unknown): Buffer {
    return this.seal(key, purpose, JSON.stringify(value));
  }

  openJson<T>(key: DataKey, purpose: string, sealed: Buffer): T {
    return JSON.parse(this.openText(key, purpose, sealed)) as T;
  }

  /** Blind index terms of a text: 96-bit keyed hashes of its words. */
  blindTerms(text: string): string[] {
    return indexWords(text).map((w) => this.blindTerm(w));
  }

  blindTerm(word: string): string {
    let term = this.#terms.get(word);
    if (term === undefined) {
      term = createHmac('sha256', this.#indexKey).update(word).digest().subarray(0, 12).toString('base64url');
      // Setting up an HMAC costs ~10 µs, most of a submission's sealing time; a vocabulary is
      // small, so a bounded memo makes indexing cheap (dropped whole when full: simple, rarely hit).
      if (this.#terms.size >= TERM_CACHE_SIZE) this.#terms.clear();
      this.#terms.set(word, term);
    }
    return term;
  }
}
