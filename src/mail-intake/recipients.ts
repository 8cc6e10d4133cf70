import type { Db } from '../db/database.ts';
import { matchProgramAddress, type AddressMatch } from '../mail/reply-address.ts';
import type { ProgramConfig } from '../programs/program-config.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { parseEntity, type RawEntity } from './mime-split.ts';

export interface ProgramAddress {
  programId: string;
  contactEmail: string;
}

/** The programs' contact addresses, in config order (the first program is the default). */
export async function loadProgramAddresses(db: Db, slugs: readonly string[]): Promise<ProgramAddress[]> {
  const rows = await db.selectFrom('programs').select(['id', 'slug', 'config']).execute();
  return slugs.flatMap((slug) => {
    const row = rows.find((r) => r.slug === slug);
    return row ? [{ programId: row.id, contactEmail: (row.config as ProgramConfig).contactEmail }] : [];
  });
}

/** Which program an address belongs to, and how; undefined: not ours (the listener answers 550). */
export function routeAddress(
  book: readonly ProgramAddress[],
  secret: InstanceSecret,
  replyDomain: string | undefined,
  address: string,
): { programId: string; match: AddressMatch } | undefined {
  for (const p of book) {
    const match = matchProgramAddress(secret, address, p.contactEmail, replyDomain);
    if (match) return { programId: p.programId, match };
  }
  return undefined;
}

/** Addresses a mail was delivered to, from its headers (for IMAP, where there is no envelope). */
export function headerRecipients(entity: RawEntity | Buffer): string[] {
  const e = Buffer.isBuffer(entity) ? parseEntity(entity) : entity;
  return e.headers
    .filter((h) => ['delivered-to', 'x-original-to', 'to', 'cc', 'envelope-to'].includes(h.name))
    .flatMap((h) => [...h.value.matchAll(/[^\s<>,;:"()]+@[A-Za-z0-9.-]+/g)].map((m) => m[0]))
    .slice(0, 100);
}
