import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import type { Role } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { recordStaffEvent } from './accounts/staff-events.ts';

export const ROLES: readonly Role[] = ['admin', 'lead', 'triager', 'viewer'];

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const newStaffUserSchema = z.object({
  email: z.string().trim().toLowerCase().email('Give a valid e-mail address.'),
  displayName: z.string().trim().min(1, 'Give a display name.').max(100),
  password: z.string().min(12, 'The password needs at least 12 characters.').max(1000),
  role: z.enum(['admin', 'lead', 'triager', 'viewer'], { error: 'Role must be admin, lead, triager or viewer.' }),
});
export type NewStaffUser = z.infer<typeof newStaffUserSchema>;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** A new account's checked fields and password hash, ready to insert. */
export interface PreparedStaffUser {
  email: string;
  displayName: string;
  role: Role;
  passwordHash: string;
}

/**
 * Checks the fields (field errors as ValidationError) and hashes the password,
 * outside any transaction: argon2 takes tens of milliseconds.
 */
export async function prepareStaffUser(input: NewStaffUser): Promise<PreparedStaffUser> {
  const parsed = newStaffUserSchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const i of parsed.error.issues) fields[String(i.path[0])] ??= i.message;
    throw new ValidationError(fields);
  }
  const u = parsed.data;
  return { email: u.email, displayName: u.displayName, role: u.role, passwordHash: await hashPassword(u.password) };
}

/**
 * Inserts a prepared account with its role in the given programs (all programs
 * when none are named), inside the caller's transaction. Fails with a field
 * error if the e-mail is taken.
 */
export async function insertStaffUser(trx: Db, u: PreparedStaffUser, programIds?: readonly string[]): Promise<{ id: string }> {
  const taken = await trx.selectFrom('staff_users').select('id').where(({ fn }) => fn('lower', ['email']), '=', u.email).executeTakeFirst();
  if (taken) throw new ValidationError({ email: 'An account with this e-mail already exists.' });
  const user = await trx
    .insertInto('staff_users')
    .values({ email: u.email, display_name: u.displayName, password_hash: u.passwordHash })
    .returning('id')
    .executeTakeFirstOrThrow();
  const programs = programIds ?? (await trx.selectFrom('programs').select('id').execute()).map((p) => p.id);
  if (programs.length) {
    await trx
      .insertInto('memberships')
      .values(programs.map((program_id) => ({ user_id: user.id, program_id, role: u.role })))
      .execute();
  }
  // Made by an operator (`embargo user add`) or through the first-admin setup link: nobody to name as the actor.
  await recordStaffEvent(trx, { actorId: null, subjectId: user.id, type: 'created', detail: { role: u.role } });
  return user;
}

/**
 * Creates a staff account with a role in the given programs (all programs
 * when none are named). Fails with a field error if the e-mail is taken.
 */
export async function createStaffUser(db: Db, input: NewStaffUser, programIds?: readonly string[]): Promise<{ id: string }> {
  const prepared = await prepareStaffUser(input);
  return db.transaction().execute((trx) => insertStaffUser(trx, prepared, programIds));
}

// Verifying against a fixed hash when the account does not exist keeps the
// response time the same, so timing does not reveal which e-mails exist.
let dummyHash: Promise<string> | undefined;

/** The user id for valid credentials of an enabled account, else undefined. */
export async function checkCredentials(db: Db, email: string, password: string): Promise<string | undefined> {
  const user = await db
    .selectFrom('staff_users')
    .select(['id', 'password_hash', 'disabled_at'])
    .where(({ fn }) => fn('lower', ['email']), '=', email.trim().toLowerCase())
    .executeTakeFirst();
  if (!user) {
    dummyHash ??= hashPassword('embargo-dummy-password');
    await verify(await dummyHash, password).catch(() => false);
    return undefined;
  }
  const ok = await verify(user.password_hash, password).catch(() => false);
  return ok && !user.disabled_at ? user.id : undefined;
}

export async function countStaffUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('staff_users').select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Staff who can be assigned reports of a program. */
export async function listAssignableStaff(db: Db, programId: string): Promise<{ id: string; displayName: string }[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('staff_users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.display_name'])
    .where('m.program_id', '=', programId)
    .where('m.role', 'in', ['admin', 'lead', 'triager'])
    .where('u.disabled_at', 'is', null)
    .orderBy('u.display_name')
    .execute();
  return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
}
