import type { StaffActor } from '../auth/policies.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { firstControlCharacter } from '../domain/control-characters.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { loadProgram } from '../programs/programs.ts';
import { submitReport } from '../reports/submit-report.ts';
import { insertCraCase } from './cra-actions.ts';
import { canCra } from './cra-policy.ts';

/** What a lead types for a new incident record. */
export interface IncidentRecordInput {
  programId: string;
  /** A product id of the program, or "other". */
  product: string;
  title: string;
  /** What is known so far; optional (the notification drafts ask for the details). */
  description: string;
  awareAt: Date;
}

const REFUSED = 'Nothing was recorded.';

/**
 * A lead or admin records a severe incident having an impact on the security
 * of a product (EU CRA Art. 14(3)) that nobody reported: a new report (channel
 * 'staff', no reporter, its submission by the lead) marked as a severe
 * incident from the moment the team became aware, in one transaction, so the
 * CRA clocks start with the record. Returns the new report's reference.
 */
export async function recordSevereIncident(
  deps: { db: Db; vault: ReportVault },
  actor: StaffActor,
  input: IncidentRecordInput,
  now: Date = new Date(),
): Promise<{ reportId: string; reference: string; caseId: string }> {
  if (!canCra.view(actor, { program_id: input.programId })) throw new NotFoundError('This program');
  if (!canCra.decide(actor, { program_id: input.programId })) throw new ForbiddenError('Only a lead or admin of the program decides on CRA reporting.');
  const program = await loadProgram(deps.db, { id: input.programId });
  if (!program) throw new NotFoundError('This program');
  const errors: Record<string, string> = {};
  const title = input.title.trim();
  const description = input.description.trim();
  if (title.length < 5 || title.length > 200 || firstControlCharacter(title, false) !== undefined) errors.title = 'Give the incident a title of 5 to 200 characters.';
  if (description.length > 50_000 || firstControlCharacter(description, true) !== undefined) errors.description = 'At most 50000 characters.';
  if (input.product !== 'other' && !program.config.products.some((p) => p.id === input.product)) errors.product = 'Choose one of the program’s products.';
  if (Number.isNaN(input.awareAt.getTime())) errors.awareAt = 'Enter the date and time the team became aware.';
  else if (input.awareAt.getTime() > now.getTime() + 60_000) errors.awareAt = 'This moment is in the future.';
  if (Object.keys(errors).length) throw new ValidationError(errors, REFUSED);
  let caseId = '';
  const created = await submitReport(deps.db, deps.vault, {
    program,
    channel: 'staff',
    submittedBy: actor.userId,
    now,
    files: [],
    input: {
      title,
      product: input.product,
      productVersion: 'unknown',
      vulnerabilityType: 'other',
      description: description || 'A severe incident recorded by the team for EU CRA reporting (Art. 14(3)).',
      stepsToReproduce: '',
      impact: '',
      cvssVector: undefined,
      reporterName: undefined,
      reporterHandle: undefined,
      reporterEmail: undefined,
      creditPreference: 'none',
      acceptPolicy: 'yes',
      policyVersion: program.policy.version,
    },
    // The mark is written with the report: a record never exists without its clocks.
    withinTransaction: async (trx, report) => {
      caseId = (await insertCraCase(trx, { actor, reportId: report.id, kind: 'severe-incident', awareAt: input.awareAt })).caseId;
    },
  });
  return { reportId: created.id, reference: created.reference, caseId };
}
