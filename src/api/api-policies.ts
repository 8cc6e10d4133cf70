import type { StaffActor } from '../auth/policies.ts';
import type { ApiPrincipal } from './tokens/api-tokens.ts';

/**
 * Authorization for API tokens and their management: one predicate per action,
 * deny by default (the token's scopes are checked per endpoint, in api-auth.ts).
 */
export const apiCan = {
  /** A token sees its own program's reports only; anything else is "not found". */
  seeReport: (principal: ApiPrincipal, report: { program_id: string }) => report.program_id === principal.programId,
  /** Read a report's contents: not a restricted one (a token is never among the named staff). */
  readReport: (principal: ApiPrincipal, report: { program_id: string; restricted_to: readonly string[] | null }) =>
    report.program_id === principal.programId && report.restricted_to === null,
  /** Reporter contact is personal data: only tokens trusted to read reports get it. */
  seeReporterContact: (principal: ApiPrincipal) => principal.scopes.has('reports:read'),
  /** Tokens act for a whole program, so creating and revoking them is an administrator's decision. */
  manageTokens: (actor: StaffActor, programId: string) => actor.roles.get(programId) === 'admin',
} as const;

/** Programs whose tokens the staff member may manage. */
export function tokenPrograms(actor: StaffActor): string[] {
  return [...actor.roles].filter(([, role]) => role === 'admin').map(([programId]) => programId);
}
