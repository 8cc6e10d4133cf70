import type { Role } from '../db/schema.ts';

/**
 * Authorization: one predicate per action, deny by default. Routes call these
 * and answer "not found" when a report may not be seen.
 */
export interface StaffActor {
  kind: 'staff';
  userId: string;
  email: string;
  displayName: string;
  /** Role per program id; no entry means no access to that program. */
  roles: ReadonlyMap<string, Role>;
}

const EDITORS: readonly Role[] = ['admin', 'lead', 'triager'];

function roleIn(actor: StaffActor, programId: string): Role | undefined {
  return actor.roles.get(programId);
}

/** What the report policies need of a report: its program and, when restricted, who may read it. */
export interface ReportAccess {
  program_id: string;
  /** Staff ids who may read a restricted report; null when it is not restricted. */
  restricted_to: readonly string[] | null;
}

/** Named on a restricted report, or the report is not restricted. */
function namedOn(actor: StaffActor, report: ReportAccess): boolean {
  return report.restricted_to === null || report.restricted_to.includes(actor.userId);
}

export const can = {
  /** Read a report, its thread, internal notes and attachments: a member of its program, and one named on it when it is restricted (admins included). */
  viewReport: (actor: StaffActor, report: ReportAccess) => roleIn(actor, report.program_id) !== undefined && namedOn(actor, report),
  /** Know that a report exists (its reference, that it is restricted, who may read it): any member of its program. */
  knowReportExists: (actor: StaffActor, report: { program_id: string }) => roleIn(actor, report.program_id) !== undefined,
  /** Change state, assign, reply, write notes. */
  editReport: (actor: StaffActor, report: ReportAccess) =>
    EDITORS.includes(roleIn(actor, report.program_id) as Role) && namedOn(actor, report),
  /** Restrict a report to named staff, change who is named, or lift the restriction: a lead or admin of its program who may read it. */
  restrictReport: (actor: StaffActor, report: ReportAccess) => ['admin', 'lead'].includes(roleIn(actor, report.program_id) as Role) && namedOn(actor, report),
  /** Add oneself to a restricted report, with a reason that is recorded: an admin of its program who is not named on it. */
  grantSelfAccess: (actor: StaffActor, report: ReportAccess) => roleIn(actor, report.program_id) === 'admin' && !namedOn(actor, report),
  /** Be named on a restricted report: any member of its program. */
  beNamedOnRestricted: (role: Role | undefined) => role !== undefined,
  /** Be chosen as a report's assignee. */
  beAssigned: (role: Role | undefined) => role !== undefined && EDITORS.includes(role),
  /** Hear of a program's new work (new reports, reporters' replies and proposals) by mail: the members who work its reports. */
  hearOfNewWork: (role: Role | undefined) => role !== undefined && EDITORS.includes(role),
  /** See a program's inbox. */
  viewInbox: (actor: StaffActor, programId: string) => roleIn(actor, programId) !== undefined,
  /** Publish a new version of the program's disclosure policy. */
  editPolicy: (actor: StaffActor, programId: string) => roleIn(actor, programId) === 'admin',
  /** Write, change and delete the program's canned responses (everyone who edits reports may use them). */
  editCannedResponses: (actor: StaffActor, programId: string) => roleIn(actor, programId) === 'admin',
  /** Draft and edit advisories (drafts hold embargoed details: members who work on reports). */
  editAdvisory: (actor: StaffActor, programId: string) => EDITORS.includes(roleIn(actor, programId) as Role),
  /** Approve or decline another person's request under the two-person rule (src/approvals/). */
  approveSecondPerson: (actor: StaffActor, programId: string) => ['admin', 'lead'].includes(roleIn(actor, programId) as Role),
  /** Turn the program's two-person rule on or off. */
  setTwoPersonRule: (actor: StaffActor, programId: string) => roleIn(actor, programId) === 'admin',
  /** Make an advisory public, or publish a revision: a lead's or admin's decision. */
  publishAdvisory: (actor: StaffActor, programId: string) => ['admin', 'lead'].includes(roleIn(actor, programId) as Role),
  /** Send a TLP:AMBER early notice to the subscribers of a report's products before publication (src/early-notices/): like publishing. */
  sendEarlyNotice: (actor: StaffActor, programId: string) => ['admin', 'lead'].includes(roleIn(actor, programId) as Role),
  /** See the program's customer subscribers, their addresses included (personal data: a lead's or admin's need). */
  viewSubscribers: (actor: StaffActor, programId: string) => ['admin', 'lead'].includes(roleIn(actor, programId) as Role),
  /** Remove a subscriber of the program (on request, or a bouncing address). */
  removeSubscriber: (actor: StaffActor, programId: string) => ['admin', 'lead'].includes(roleIn(actor, programId) as Role),
  /** Export or erase a reporter's personal data on their request (the reporter may also do it from the tracking page). */
  manageReporterData: (actor: StaffActor, programId: string) => roleIn(actor, programId) === 'admin',
  /** See the instance's failed jobs and undelivered mail, and retry them: an administrator of any program. */
  operateJobs: (actor: StaffActor) => [...actor.roles.values()].includes('admin'),
  /** Retry a report's undelivered mail to the reporter: whoever may change the report. */
  retryReportMail: (actor: StaffActor, report: ReportAccess) => EDITORS.includes(roleIn(actor, report.program_id) as Role) && namedOn(actor, report),
  /** See a program's block list and remove entries. */
  manageBlockList: (actor: StaffActor, programId: string) => roleIn(actor, programId) === 'admin',
  /** Block a sender's IP address (shared by everyone behind it: NAT, proxy, Tor exit): the program's admins, by its role there. */
  blockIpAddress: (role: Role | undefined) => role === 'admin',
  /** Create staff accounts and change roles. */
  manageStaff: (actor: StaffActor, programId: string) => roleIn(actor, programId) === 'admin',
  /** Read and export the instance's audit log (src/audit/): an administrator of any program. */
  viewAuditLog: (actor: StaffActor) => [...actor.roles.values()].includes('admin'),
  /** See the team page (who has which role where, and the history of account changes): an administrator of any program. */
  viewTeam: (actor: StaffActor) => [...actor.roles.values()].includes('admin'),
  /** Invite someone by mail with a role in the program. */
  inviteStaff: (actor: StaffActor, programId: string) => roleIn(actor, programId) === 'admin',
  /** Give a member a role in the program, change it, or take it away. */
  changeStaffRole: (actor: StaffActor, programId: string) => roleIn(actor, programId) === 'admin',
  /** Deactivate an account: only an admin of every program the account has a role in (else one program's admin could lock out another's). */
  deactivateStaff: (actor: StaffActor, target: StaffTarget) => administersAll(actor, target),
  /** Reactivate an account: the same admins who may deactivate it. */
  reactivateStaff: (actor: StaffActor, target: StaffTarget) => administersAll(actor, target),
  /** Send an account a password reset link (it ends their sessions when used): the same admins. */
  sendPasswordReset: (actor: StaffActor, target: StaffTarget) => administersAll(actor, target),
} as const;

/** A staff account as the account policies see it: the programs it has a role in. */
export interface StaffTarget {
  programIds: readonly string[];
}

function administersAll(actor: StaffActor, target: StaffTarget): boolean {
  return can.viewTeam(actor) && target.programIds.every((id) => roleIn(actor, id) === 'admin');
}

/** Program ids whose reports the actor may read. */
export function visiblePrograms(actor: StaffActor): string[] {
  return [...actor.roles.keys()];
}
