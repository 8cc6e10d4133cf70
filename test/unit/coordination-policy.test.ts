import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StaffActor } from '../../src/auth/policies.ts';
import { canCoordinate } from '../../src/coordination/coordination-policy.ts';
import type { Role } from '../../src/db/schema.ts';

const actor = (role?: Role): StaffActor => ({ kind: 'staff', userId: 'u', email: 'u@example.com', displayName: 'U', roles: new Map(role ? [['p1', role]] : []) });
const report = { program_id: 'p1' };

/** Who may do what with invited parties (docs/coordination.md): the whole matrix, deny by default. */
describe('coordination policies', () => {
  const expected: Record<keyof typeof canCoordinate, (Role | undefined)[]> = {
    view: ['admin', 'lead', 'triager', 'viewer'],
    share: ['admin', 'lead', 'triager'],
    invite: ['admin', 'lead'],
    revoke: ['admin', 'lead'],
  };
  for (const [action, allowed] of Object.entries(expected) as [keyof typeof canCoordinate, Role[]][]) {
    it(`${action}: ${allowed.join(', ')}`, () => {
      for (const role of ['admin', 'lead', 'triager', 'viewer', undefined] as const) {
        assert.equal(canCoordinate[action](actor(role), report), allowed.includes(role as Role), `${action} as ${role ?? 'no role'}`);
      }
      // A role in another program counts for nothing here.
      assert.equal(canCoordinate[action](actor('admin'), { program_id: 'p2' }), false);
    });
  }
});
