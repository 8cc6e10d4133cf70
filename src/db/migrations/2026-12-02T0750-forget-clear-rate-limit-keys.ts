import { sql, type Kysely } from 'kysely';

// Rate-limit keys used to hold client IP addresses and staff e-mail addresses
// in clear (login:ip:203.0.113.9, login:user:…, submit:…, 2fa:ip:…); they are
// now keyed hashes or server ids (src/web/rate-limit.ts). The old rows would
// never match a new key and only keep the addresses, so they go. Counters are
// short-lived by nature: forgetting them on upgrade costs nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM rate_limits WHERE key LIKE 'login:%' OR key LIKE '2fa:ip:%' OR key ~ '^submit:[^e]'`.execute(db);
}

export async function down(): Promise<void> {}
