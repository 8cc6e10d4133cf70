import type { Db } from '../../db/database.ts';
import type { Role } from '../../db/schema.ts';

export type MemberStatus = 'active' | 'invited' | 'deactivated';

export interface TeamMember {
  id: string;
  email: string;
  displayName: string;
  status: MemberStatus;
  /** Role per program id. */
  roles: Map<string, Role>;
  /** False for an invitee who never set a password (reactivating means inviting again). */
  hasPassword: boolean;
}

/** Every person with a staff account (API tokens' own accounts left out), by name, with their roles. */
export async function listTeam(db: Db): Promise<TeamMember[]> {
  const people = await db
    .selectFrom('staff_users as u')
    .select(['u.id', 'u.email', 'u.display_name', 'u.disabled_at', 'u.invitation_pending', 'u.password_hash'])
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('api_tokens as t').select('t.id').whereRef('t.actor_id', '=', 'u.id'))))
    .orderBy('u.display_name')
    .orderBy('u.email')
    .execute();
  const memberships = await db.selectFrom('memberships').select(['user_id', 'program_id', 'role']).execute();
  const roles = new Map<string, Map<string, Role>>();
  for (const m of memberships) {
    if (!roles.has(m.user_id)) roles.set(m.user_id, new Map());
    roles.get(m.user_id)!.set(m.program_id, m.role);
  }
  return people.map((p) => ({
    id: p.id,
    email: p.email,
    displayName: p.display_name,
    status: p.invitation_pending ? 'invited' : p.disabled_at ? 'deactivated' : 'active',
    roles: roles.get(p.id) ?? new Map(),
    hasPassword: !p.password_hash.startsWith('!'),
  }));
}
