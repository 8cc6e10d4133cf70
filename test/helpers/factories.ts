import { randomBytes } from 'node:crypto';
import { ReportVault } from '../../src/crypto/report-vault.ts';
import type { Db } from '../../src/db/database.ts';
import { InstanceSecret } from '../../src/secrets/instance-secret.ts';
import { useAuditSecret } from '../../src/audit/audit-keys.ts';
import type { ReportSubmission } from '../../src/domain/report-input.ts';
import { loadProgram, type Program } from '../../src/programs/programs.ts';
import { submitReport, type SubmittedReport } from '../../src/reports/submit-report.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import type { Role } from '../../src/db/schema.ts';
import type { ReportState } from '../../src/domain/lifecycle.ts';
import { changeState } from '../../src/reports/report-actions.ts';
import { acknowledgeWithEvaluation } from '../../src/triage/acknowledge-with-evaluation.ts';

/** The instance secret of tests that build no config of their own; the test app uses it too, so factories and routes agree. */
export const testSecret = new InstanceSecret(randomBytes(32), 'test');
/** Seals and opens the contents of reports made by the factories. */
export const testVault = new ReportVault(testSecret);
// Audit log entries written by use cases in tests are chained with the test secret's key.
useAuditSecret(testSecret);

export async function demo(db: Db): Promise<Program> {
  const program = await loadProgram(db, { slug: 'example' });
  if (!program) throw new Error('demo program missing');
  return program;
}

export function reportInput(program: Program, overrides: Partial<ReportSubmission> = {}): ReportSubmission {
  return {
    title: 'Stored XSS in the user list',
    product: 'example-cloud',
    productVersion: '4.2.1',
    vulnerabilityType: 'xss',
    description: 'The display name is rendered without escaping in /admin/users.',
    stepsToReproduce: '1. Set display name to <script>alert(1)</script>\n2. Open /admin/users',
    impact: 'Session theft of administrators.',
    cvssVector: undefined,
    reporterName: 'Ada Lovelace',
    reporterHandle: undefined,
    reporterEmail: 'ada@example.org',
    creditPreference: 'name',
    acceptPolicy: 'yes',
    policyVersion: program.policy.version,
    ...overrides,
  };
}

export async function makeReport(db: Db, overrides: Partial<ReportSubmission> = {}, vault: ReportVault = testVault): Promise<SubmittedReport> {
  const program = await demo(db);
  return submitReport(db, vault, { program, input: reportInput(program, overrides), files: [], channel: 'web' });
}

let userSeq = 0;
export async function makeStaff(db: Db, role: Role = 'triager', name?: string): Promise<{ id: string; email: string; password: string }> {
  userSeq++;
  const email = `staff${userSeq}-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const user = await createStaffUser(db, { email, displayName: name ?? `Staff ${userSeq}`, password, role });
  return { id: user.id, email, password };
}

/** A resolution date a month ahead: always in the future, whatever the program's time zone. */
export function futureDate(days = 30): string {
  return new Date(Date.now() + days * 864e5).toISOString().slice(0, 10);
}

/** Acknowledges a new report the way the program promises: with an evaluation and an expected resolution date. */
export async function acknowledge(db: Db, vault: ReportVault, args: { reportId: string; actorId: string; evaluation?: string }): Promise<void> {
  await acknowledgeWithEvaluation(db, vault, {
    reportId: args.reportId,
    actorId: args.actorId,
    evaluation: args.evaluation ?? 'Confirmed: the display name is not escaped.',
    expectedResolutionDate: futureDate(),
  });
}

/**
 * changeState for tests that walk a report along its lifecycle: a move to
 * acknowledged goes through the evaluation, as the lifecycle requires.
 */
export async function moveReport(db: Db, vault: ReportVault, args: { reportId: string; to: ReportState; actorId: string; reason?: string }): Promise<void> {
  if (args.to === 'acknowledged') await acknowledge(db, vault, args);
  else await changeState(db, vault, args);
}
