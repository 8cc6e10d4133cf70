import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { AppError, ValidationError } from '../../errors.ts';
import { OPERATOR } from './account-actor.ts';
import { deactivateStaff, reactivateStaff } from './activation.ts';
import { accountIdByEmail } from './load-account.ts';
import { setStaffRole } from './set-role.ts';
import { listTeam, type MemberStatus } from './team.ts';

/** `embargo user list|set-role|deactivate|reactivate` as admin commands (admin socket or direct database). */
export const staffCommandSchemas = [
  z.object({ command: z.literal('user-list') }),
  z.object({ command: z.literal('user-set-role'), email: z.string().trim().min(1).max(320), program: z.string().min(1).max(100), role: z.string().max(20) }),
  z.object({ command: z.literal('user-deactivate'), email: z.string().trim().min(1).max(320) }),
  z.object({ command: z.literal('user-reactivate'), email: z.string().trim().min(1).max(320) }),
] as const;
export type StaffCommand = z.infer<(typeof staffCommandSchemas)[number]>;

/** A member as `embargo user list` prints it: roles by program slug. */
export interface MemberInfo {
  email: string;
  displayName: string;
  status: MemberStatus;
  roles: Record<string, string>;
}

export type StaffCommandAnswer = { ok: true; id: string; changed?: boolean; members?: MemberInfo[] } | { ok: false; error: string };

/** Runs a staff command as the operator; refusals a person can act on come back as answers, anything else throws. */
export async function runStaffCommand(db: Db, command: StaffCommand): Promise<StaffCommandAnswer> {
  if (command.command === 'user-list') {
    const programs = new Map((await db.selectFrom('programs').select(['id', 'slug']).execute()).map((p) => [p.id, p.slug]));
    const members = (await listTeam(db)).map((m) => ({
      email: m.email,
      displayName: m.displayName,
      status: m.status,
      roles: Object.fromEntries([...m.roles].map(([id, role]) => [programs.get(id) ?? id, role])),
    }));
    return { ok: true, id: '', members };
  }
  const userId = await accountIdByEmail(db, command.email);
  if (!userId) return { ok: false, error: `No staff account with the e-mail ${command.email} (see embargo user list).` };
  try {
    switch (command.command) {
      case 'user-set-role': {
        const program = await db.selectFrom('programs').select('id').where('slug', '=', command.program).executeTakeFirst();
        if (!program) {
          const slugs = (await db.selectFrom('programs').select('slug').orderBy('slug').execute()).map((p) => p.slug);
          return { ok: false, error: `No program "${command.program}". Programs: ${slugs.join(', ') || 'none'}.` };
        }
        return { ok: true, id: userId, ...(await setStaffRole(db, { actor: OPERATOR, userId, programId: program.id, role: command.role })) };
      }
      case 'user-deactivate':
        return { ok: true, id: userId, ...(await deactivateStaff(db, { actor: OPERATOR, userId })) };
      case 'user-reactivate':
        return { ok: true, id: userId, ...(await reactivateStaff(db, { actor: OPERATOR, userId })) };
    }
  } catch (err) {
    if (err instanceof ValidationError) return { ok: false, error: Object.values(err.fields).join(' ') };
    if (err instanceof AppError) return { ok: false, error: err.message };
    throw err;
  }
}
