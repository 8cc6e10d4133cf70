import type { StaffActor } from '../auth/policies.ts';
import type { Role } from '../db/schema.ts';

/**
 * Who may do what with a report's invited parties (deny by default). Inviting
 * and revoking let people outside the organisation read embargoed details, so
 * they are a lead's (or an admin's) decision; sharing a message with a party
 * already invited, or writing to it, is everyday work for whoever edits the
 * report (triagers too). Viewers see the panel only.
 */
const roleIn = (actor: StaffActor, programId: string): Role | undefined => actor.roles.get(programId);

export const canCoordinate = {
  /** See the parties, their status and the coordination thread. */
  view: (actor: StaffActor, report: { program_id: string }) => roleIn(actor, report.program_id) !== undefined,
  /** Invite a party by e-mail. */
  invite: (actor: StaffActor, report: { program_id: string }) => ['admin', 'lead'].includes(roleIn(actor, report.program_id) as Role),
  /** End a party's access at once. */
  revoke: (actor: StaffActor, report: { program_id: string }) => ['admin', 'lead'].includes(roleIn(actor, report.program_id) as Role),
  /** Write to parties, share a message of the thread with a party. */
  share: (actor: StaffActor, report: { program_id: string }) => ['admin', 'lead', 'triager'].includes(roleIn(actor, report.program_id) as Role),
} as const;
