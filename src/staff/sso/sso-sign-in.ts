import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { Role } from '../../db/schema.ts';
import { recordStaffEvent } from '../accounts/staff-events.ts';
import { hashPassword } from '../staff-users.ts';
import type { ProviderIdentity } from './oidc-client.ts';
import { rolesFromGroups, type SsoConfig } from './sso-config.ts';

export type SsoRefusal = 'no-account' | 'not-linked' | 'no-role' | 'deactivated' | 'no-email' | 'email-unverified' | 'linked-elsewhere';
export type SsoOutcome = { ok: true; userId: string; created: boolean } | { ok: false; reason: SsoRefusal };

/** What a refused person reads, and what to do. */
export const SSO_REFUSALS: Record<SsoRefusal, string> = {
  'no-account': 'No Embargo account belongs to this identity. Ask an administrator to invite you.',
  'not-linked':
    'An Embargo account with your e-mail exists but is not linked to this identity. Sign in the way you did before and link it from your account page, or ask an administrator.',
  'no-role':
    'Your identity provider account is not in a group that has access to Embargo, so you cannot sign in (and the account is deactivated until it is). Ask whoever manages those groups if this is a mistake.',
  deactivated: 'This account is deactivated. Ask an administrator.',
  'no-email': 'Your identity provider did not tell us your e-mail address, which a new account needs. Ask an administrator.',
  'email-unverified':
    'Your identity provider has not verified your e-mail address, which a new account needs (staff mail and reset links go there). Verify it with your provider, or ask an administrator to invite you.',
  'linked-elsewhere': 'This identity is already linked to another Embargo account.',
};

const PROVIDER = { by: 'identity-provider' } as const;

/**
 * Signs in (or links) the person the provider vouched for. The account is found by issuer and
 * subject, never by e-mail alone. With a role map, the account's roles become what its groups
 * give, at every sign-in; no role at all refuses and deactivates the account (its sessions and
 * API tokens stop at once, as for any deactivation).
 */
export async function signInWithIdentity(
  db: Db,
  sso: SsoConfig,
  identity: ProviderIdentity,
  options: { linkUserId?: string; now?: Date } = {},
): Promise<SsoOutcome> {
  const now = options.now ?? new Date();
  const known = await db.selectFrom('staff_identities').select('user_id').where('issuer', '=', identity.issuer).where('subject', '=', identity.subject).executeTakeFirst();
  // argon2 outside the transaction: an unusable random password for an account made here.
  const unusablePassword = !known && sso.createAccounts && !options.linkUserId ? await hashPassword(randomBytes(32).toString('base64url')) : undefined;

  return db.transaction().execute(async (trx): Promise<SsoOutcome> => {
    let link = await trx
      .selectFrom('staff_identities')
      .selectAll()
      .where('issuer', '=', identity.issuer)
      .where('subject', '=', identity.subject)
      .forUpdate()
      .executeTakeFirst();
    const programs = await trx.selectFrom('programs').select(['id', 'slug']).execute();
    const mapped = sso.roleMap ? rolesFromGroups(sso.roleMap, identity.groups, programs) : undefined;

    if (options.linkUserId) {
      if (link && link.user_id !== options.linkUserId) return { ok: false, reason: 'linked-elsewhere' };
      if (!link) await insertLink(trx, identity, options.linkUserId, now);
      // Roles follow at the next sign-in through the provider; linking changes nothing else.
      return { ok: true, userId: options.linkUserId, created: false };
    }

    let created = false;
    if (!link) {
      if (!identity.email) return { ok: false, reason: sso.createAccounts ? 'no-email' : 'no-account' };
      const sameEmail = await trx.selectFrom('staff_users').select('id').where(({ fn }) => fn('lower', ['email']), '=', identity.email).executeTakeFirst();
      if (sameEmail) {
        if (!(sso.linkVerifiedEmail && identity.emailVerified)) return { ok: false, reason: 'not-linked' };
        link = await insertLink(trx, identity, sameEmail.id, now);
      } else if (sso.createAccounts && unusablePassword && mapped) {
        if (mapped.size === 0) return { ok: false, reason: 'no-role' };
        if (!identity.emailVerified) return { ok: false, reason: 'email-unverified' };
        const user = await trx
          .insertInto('staff_users')
          .values({ email: identity.email, display_name: identity.name || identity.email, password_hash: unusablePassword })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.insertInto('memberships').values([...mapped].map(([program_id, role]) => ({ user_id: user.id, program_id, role }))).execute();
        await recordStaffEvent(trx, { actorId: null, subjectId: user.id, type: 'created', detail: { ...PROVIDER, roles: Object.fromEntries(mapped) } });
        link = await insertLink(trx, identity, user.id, now);
        created = true;
      } else {
        return { ok: false, reason: 'no-account' };
      }
    }

    const user = await trx.selectFrom('staff_users').select(['id', 'disabled_at', 'invitation_pending']).where('id', '=', link.user_id).forUpdate().executeTakeFirstOrThrow();
    if (mapped && mapped.size === 0) {
      if (!user.disabled_at) {
        await trx.updateTable('staff_users').set({ disabled_at: now }).where('id', '=', user.id).execute();
        await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
        await trx.deleteFrom('staff_pending_sign_ins').where('user_id', '=', user.id).execute();
        await trx.updateTable('staff_identities').set({ revoked_by_provider: true }).where('issuer', '=', link.issuer).where('subject', '=', link.subject).execute();
        await recordStaffEvent(trx, { actorId: null, subjectId: user.id, type: 'deactivated', detail: PROVIDER });
      }
      return { ok: false, reason: 'no-role' };
    }
    if (user.disabled_at) {
      // Only a deactivation the provider's groups caused is undone by them; an admin's stands.
      if (!mapped || !link.revoked_by_provider || user.invitation_pending) return { ok: false, reason: 'deactivated' };
      await trx.updateTable('staff_users').set({ disabled_at: null }).where('id', '=', user.id).execute();
      await recordStaffEvent(trx, { actorId: null, subjectId: user.id, type: 'reactivated', detail: PROVIDER });
    }
    if (mapped) await syncRoles(trx, user.id, mapped);
    await trx
      .updateTable('staff_identities')
      .set({ last_sign_in_at: now, revoked_by_provider: false })
      .where('issuer', '=', link.issuer)
      .where('subject', '=', link.subject)
      .execute();
    return { ok: true, userId: user.id, created };
  });
}

async function insertLink(trx: Db, identity: ProviderIdentity, userId: string, now: Date) {
  return trx
    .insertInto('staff_identities')
    .values({ issuer: identity.issuer, subject: identity.subject, user_id: userId, created_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Makes the account's roles exactly the mapped ones, one history row per program that changed. */
async function syncRoles(trx: Db, userId: string, mapped: ReadonlyMap<string, Role>): Promise<void> {
  const current = new Map((await trx.selectFrom('memberships').select(['program_id', 'role']).where('user_id', '=', userId).execute()).map((m) => [m.program_id, m.role]));
  for (const [programId, from] of current) {
    if (mapped.has(programId)) continue;
    await trx.deleteFrom('memberships').where('user_id', '=', userId).where('program_id', '=', programId).execute();
    await recordStaffEvent(trx, { actorId: null, subjectId: userId, programId, type: 'role-changed', detail: { ...PROVIDER, from, to: null } });
  }
  for (const [programId, to] of mapped) {
    const from = current.get(programId);
    if (from === to) continue;
    if (from) await trx.updateTable('memberships').set({ role: to }).where('user_id', '=', userId).where('program_id', '=', programId).execute();
    else await trx.insertInto('memberships').values({ user_id: userId, program_id: programId, role: to }).execute();
    await recordStaffEvent(trx, { actorId: null, subjectId: userId, programId, type: 'role-changed', detail: { ...PROVIDER, from: from ?? null, to } });
  }
}

/** The identities linked to an account (the account page). */
export async function listIdentities(db: Db, userId: string): Promise<{ issuer: string; lastSignInAt: Date | null }[]> {
  const rows = await db.selectFrom('staff_identities').select(['issuer', 'last_sign_in_at']).where('user_id', '=', userId).orderBy('created_at').execute();
  return rows.map((r) => ({ issuer: r.issuer, lastSignInAt: r.last_sign_in_at }));
}
