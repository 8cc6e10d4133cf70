import type { Db } from '../../db/database.ts';
import { appendAudit } from '../../audit/append-audit.ts';
import { seal, unseal } from '../../mail/seal.ts';
import type { InstanceSecret } from '../../secrets/instance-secret.ts';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.ts';
import { checkTotp, normalizeTotpCode } from './totp.ts';
import { idRateLimitKey, type RateLimitKey } from '../../web/rate-limit.ts';

/** seal() purpose of stored TOTP secrets; the value is bound to the user id. */
const SEAL_PURPOSE = 'staff-totp';

/** Whether the staff member signs in with a second factor. */
export async function hasSecondFactor(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('staff_second_factors').select('user_id').where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

/** What the account page shows: when it was set up and how many recovery codes are left. */
export async function secondFactorStatus(db: Db, userId: string): Promise<{ enrolledAt: Date; recoveryCodesLeft: number } | undefined> {
  const row = await db.selectFrom('staff_second_factors').select('enrolled_at').where('user_id', '=', userId).executeTakeFirst();
  if (!row) return undefined;
  return { enrolledAt: row.enrolled_at, recoveryCodesLeft: await unusedRecoveryCodes(db, userId) };
}

async function unusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const left = await db
    .selectFrom('staff_recovery_codes')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(left.n);
}

export type EnrolResult = { ok: true; recoveryCodes: string[] } | { ok: false; reason: 'invalid' };

/**
 * Turns the second factor on (or replaces it) once the user proved their app
 * holds the secret by typing its current code. Returns the new recovery codes,
 * to be shown once; earlier codes stop working.
 */
export async function enrolSecondFactor(db: Db, secret: InstanceSecret, input: { userId: string; secretBase32: string; code: string; now?: Date }): Promise<EnrolResult> {
  const now = input.now ?? new Date();
  const check = checkTotp(input.secretBase32, input.code, now, undefined);
  if (!check.ok) return { ok: false, reason: 'invalid' };
  const sealed = seal(secret, SEAL_PURPOSE, input.userId, Buffer.from(input.secretBase32, 'utf8'));
  const codes = newRecoveryCodes();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('staff_second_factors')
      .values({ user_id: input.userId, secret_sealed: sealed, last_used_step: check.step, enrolled_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret_sealed: sealed, last_used_step: check.step, enrolled_at: now }))
      .execute();
    await trx.deleteFrom('staff_recovery_codes').where('user_id', '=', input.userId).execute();
    await trx
      .insertInto('staff_recovery_codes')
      .values(codes.map((c) => ({ user_id: input.userId, code_hash: hashRecoveryCode(normalizeRecoveryCode(c)!), used_at: null })))
      .execute();
    await appendAudit(trx, { actor: { kind: 'staff', id: input.userId }, action: 'second-factor.enrolled', target: input.userId });
  });
  return { ok: true, recoveryCodes: codes };
}

export type VerifyResult =
  | { ok: true; method: 'totp' | 'recovery-code'; recoveryCodesLeft?: number }
  | { ok: false; reason: 'invalid' | 'replayed' | 'not-enrolled' };

/**
 * Checks a code typed at sign-in (or to turn the factor off): the current
 * TOTP code, not used before, or an unused recovery code, which is used up.
 * Both updates are compare-and-set, so two requests racing with one code
 * cannot both succeed.
 */
export async function verifySecondFactor(db: Db, secret: InstanceSecret, userId: string, input: string, now = new Date()): Promise<VerifyResult> {
  const row = await db.selectFrom('staff_second_factors').select(['secret_sealed', 'last_used_step']).where('user_id', '=', userId).executeTakeFirst();
  if (!row) return { ok: false, reason: 'not-enrolled' };
  if (normalizeTotpCode(input)) {
    const secretBase32 = unseal(secret, SEAL_PURPOSE, userId, row.secret_sealed).toString('utf8');
    const check = checkTotp(secretBase32, input, now, row.last_used_step);
    if (!check.ok) return check;
    const claimed = await db
      .updateTable('staff_second_factors')
      .set({ last_used_step: check.step })
      .where('user_id', '=', userId)
      .where('last_used_step', '<', check.step)
      .returning('user_id')
      .executeTakeFirst();
    return claimed ? { ok: true, method: 'totp' } : { ok: false, reason: 'replayed' };
  }
  const recovery = normalizeRecoveryCode(input);
  if (!recovery) return { ok: false, reason: 'invalid' };
  const used = await db
    .updateTable('staff_recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hashRecoveryCode(recovery))
    .where('used_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
  if (!used) return { ok: false, reason: 'invalid' };
  return { ok: true, method: 'recovery-code', recoveryCodesLeft: await unusedRecoveryCodes(db, userId) };
}

/** Turns the second factor off (the caller has checked the password and a code). */
export async function disableSecondFactor(db: Db, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('staff_recovery_codes').where('user_id', '=', userId).execute();
    await trx.deleteFrom('staff_second_factors').where('user_id', '=', userId).execute();
    await appendAudit(trx, { actor: { kind: 'staff', id: userId }, action: 'second-factor.removed', target: userId });
  });
}

/**
 * The operator's way back in for a locked-out staff member
 * (`embargo user reset-second-factor`): removes the authenticator, the
 * passkeys and the recovery codes and ends the account's sessions and pending sign-ins, so
 * whoever holds an old session or the lost device must sign in afresh.
 * Undefined when no account has this e-mail.
 */
export async function resetSecondFactor(db: Db, email: string): Promise<{ userId: string; hadSecondFactor: boolean } | undefined> {
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('staff_users')
      .select('id')
      .where(({ fn }) => fn('lower', ['email']), '=', email.trim().toLowerCase())
      .executeTakeFirst();
    if (!user) return undefined;
    const removed = await trx.deleteFrom('staff_second_factors').where('user_id', '=', user.id).executeTakeFirst();
    // Passkeys are second factors too: a lost one would keep the account locked.
    const passkeys = await trx.deleteFrom('staff_passkeys').where('user_id', '=', user.id).executeTakeFirst();
    await trx.deleteFrom('staff_recovery_codes').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('staff_pending_sign_ins').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('rate_limits').where('key', '=', secondFactorUserLimitKey(user.id)).execute();
    await appendAudit(trx, { actor: { kind: 'operator' }, action: 'second-factor.reset', target: user.id });
    return { userId: user.id, hadSecondFactor: Number(removed.numDeletedRows) + Number(passkeys.numDeletedRows) > 0 };
  });
}

/** Rate-limit key of second-factor attempts against one account. */
export function secondFactorUserLimitKey(userId: string): RateLimitKey {
  return idRateLimitKey('2fa:user', userId);
}
