import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiCan, tokenPrograms } from '../../src/api/api-policies.ts';
import type { ApiPrincipal } from '../../src/api/tokens/api-tokens.ts';
import type { ApiScope } from '../../src/api/tokens/token-scopes.ts';
import type { StaffActor } from '../../src/auth/policies.ts';
import type { Role } from '../../src/db/schema.ts';

const principal = (scopes: ApiScope[], programId = 'p1'): ApiPrincipal => ({ tokenId: 't', tokenName: 'n', programId, scopes: new Set(scopes), actorId: 'a' });
const staff = (roles: [string, Role][]): StaffActor => ({ kind: 'staff', userId: 'u', email: 'e', displayName: 'd', roles: new Map(roles) });

describe('API policies', () => {
  it('lets a token see its own program’s reports only', () => {
    assert.equal(apiCan.seeReport(principal(['reports:read']), { program_id: 'p1' }), true);
    assert.equal(apiCan.seeReport(principal(['reports:read']), { program_id: 'p2' }), false);
  });

  it('shows reporter contact to reports:read only', () => {
    const matrix: [ApiScope[], boolean][] = [
      [['reports:read'], true],
      [['reports:write'], false],
      [['reports:submit'], false],
      [['reports:submit', 'reports:write'], false],
      [['reports:write', 'reports:read'], true],
    ];
    for (const [scopes, expected] of matrix) assert.equal(apiCan.seeReporterContact(principal(scopes)), expected, scopes.join(','));
  });

  it('lets administrators of a program, and nobody else, manage its tokens', () => {
    for (const role of ['lead', 'triager', 'viewer'] as Role[]) assert.equal(apiCan.manageTokens(staff([['p1', role]]), 'p1'), false, role);
    assert.equal(apiCan.manageTokens(staff([['p1', 'admin']]), 'p1'), true);
    assert.equal(apiCan.manageTokens(staff([['p1', 'admin']]), 'p2'), false);
    assert.deepEqual(tokenPrograms(staff([['p1', 'admin'], ['p2', 'lead'], ['p3', 'admin']])), ['p1', 'p3']);
  });
});
