import type { StaffActor } from '../../src/auth/policies.ts';
import type { TestApp } from '../helpers/http-app.ts';

/** The StaffActor a use case sees for a staff id (roles from memberships), as the web's session resolution builds it. */
export async function loadSession(t: TestApp, userId: string): Promise<StaffActor> {
  const user = await t.ctx.db.selectFrom('staff_users').select(['id', 'email', 'display_name']).where('id', '=', userId).executeTakeFirstOrThrow();
  const roles = await t.ctx.db.selectFrom('memberships').select(['program_id', 'role']).where('user_id', '=', userId).execute();
  return { kind: 'staff', userId: user.id, email: user.email, displayName: user.display_name, roles: new Map(roles.map((r) => [r.program_id, r.role])) };
}
