import { createHmac } from 'node:crypto';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

/**
 * The audit log's keys, derived from the instance secret: one MACs the chain,
 * one hashes client IP addresses. The secret is never in the database, so a
 * person holding only the database (a dump, a stolen backup, SQL access) can
 * neither recompute the chain after editing an entry nor learn an address.
 */
export class AuditKeys {
  readonly #chain: Buffer;
  readonly #ip: Buffer;

  constructor(secret: InstanceSecret) {
    this.#chain = secret.derive('audit-chain', 'v1');
    this.#ip = secret.derive('audit-ip', 'v1');
  }

  /** HMAC-SHA-256 of an entry's canonical content (which includes the previous entry's hash), hex. */
  mac(canonical: string): string {
    return createHmac('sha256', this.#chain).update(canonical, 'utf8').digest('hex');
  }

  /** A keyed hash of an IP address: the same address gives the same value, the value gives no address. */
  ipHash(ip: string): string {
    return createHmac('sha256', this.#ip).update(ip, 'utf8').digest('hex').slice(0, 32);
  }

  toJSON(): string {
    return '[audit keys]';
  }
}

let processKeys: AuditKeys | undefined;

/**
 * Sets the keys of this process from its instance secret. Called where a
 * process gets its secret (openInstanceSecret, createApp, the test factories):
 * appends happen deep inside use cases' transactions (recordEvent), which get
 * no context, and a process has exactly one instance secret.
 */
export function useAuditSecret(secret: InstanceSecret): AuditKeys {
  processKeys = new AuditKeys(secret);
  return processKeys;
}

/** The keys set by useAuditSecret; an append without them is a wiring mistake, not something to skip. */
export function auditKeys(): AuditKeys {
  if (!processKeys) throw new Error('The audit log needs the instance secret: call useAuditSecret() where the process opens it.');
  return processKeys;
}
