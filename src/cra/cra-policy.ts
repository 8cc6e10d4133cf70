import type { StaffActor } from '../auth/policies.ts';
import type { Role } from '../db/schema.ts';

/**
 * Who may do what with a report's CRA Article 14 case (deny by default).
 * Marking a report as actively exploited, recording the measure and the
 * submissions, and informing users are a lead's or admin's decisions: they
 * start legal deadlines and speak for the manufacturer. Drafting is work on
 * the report, open to everyone who edits it. Everyone who sees the report sees
 * the clocks.
 */
const role = (actor: StaffActor, programId: string): Role | undefined => actor.roles.get(programId);
const LEADS: readonly Role[] = ['admin', 'lead'];
const EDITORS: readonly Role[] = ['admin', 'lead', 'triager'];

export const canCra = {
  /** See the case, its clocks, drafts and submissions. */
  view: (actor: StaffActor, report: { program_id: string }) => role(actor, report.program_id) !== undefined,
  /** Mark a report (actively exploited / severe incident), record the measure, a submission, inform users. */
  decide: (actor: StaffActor, report: { program_id: string }) => LEADS.includes(role(actor, report.program_id) as Role),
  /** Edit and export the notification drafts. */
  draft: (actor: StaffActor, report: { program_id: string }) => EDITORS.includes(role(actor, report.program_id) as Role),
} as const;
