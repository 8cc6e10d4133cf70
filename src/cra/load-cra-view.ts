import type { Kysely } from 'kysely';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { CraChannel } from '../db/cra-tables.ts';
import type { Database, Report } from '../db/schema.ts';
import { VULNERABILITY_TYPES } from '../domain/report-input.ts';
import type { Program } from '../programs/programs.ts';
import { findCwe } from '../triage/cwe.ts';
import { craClocks, CRA_STEPS, type CraClock, type CraKind, type CraStep } from './cra-clocks.ts';
import { prefillCraDraft, type CraDraftValues, type CraPrefillSource } from './cra-fields.ts';
import { loadCraDrafts } from './cra-drafts.ts';
import type { AdvisoryContent } from '../advisories/advisory-content.ts';
import { loadStaffAdvisory } from '../advisories/advisory-store.ts';

export interface CraSubmissionView {
  id: string;
  step: CraStep;
  submittedAt: Date;
  channel: CraChannel;
  reference: string;
}

export interface CraCaseView {
  id: string;
  kind: CraKind;
  awareAt: Date;
  measureAvailableAt: Date | null;
  clocks: CraClock[];
  submissions: CraSubmissionView[];
  /** Each step's draft: saved, or pre-filled from the report and advisory when never saved. */
  drafts: Record<CraStep, { values: CraDraftValues; saved: boolean }>;
}

/** A report's CRA cases with their clocks at `now` in the program's zone (the report page, the API, exports). */
export interface CraView {
  cases: CraCaseView[];
  timeZone: string;
  now: Date;
  advisory: { id: string; state: 'draft' | 'published'; publicId: string | null; publishedAt: Date | null } | null;
  /** When users were recorded as informed another way than the advisory (Art. 14(8)), oldest first. */
  usersInformed: Date[];
}

/** The case rows and submissions of reports, with clocks: shared by the report page, the API and the Due view. */
export async function loadCraCases(db: Kysely<Database>, reportIds: readonly string[]) {
  if (reportIds.length === 0) return [];
  const cases = await db.selectFrom('cra_cases').select(['id', 'report_id', 'kind', 'aware_at', 'measure_available_at']).where('report_id', 'in', reportIds).orderBy('created_at').execute();
  const subs = cases.length
    ? await db.selectFrom('cra_submissions').select(['id', 'case_id', 'step', 'submitted_at', 'channel', 'csirt_reference']).where('case_id', 'in', cases.map((c) => c.id)).orderBy('submitted_at').execute()
    : [];
  return cases.map((c) => ({
    ...c,
    submissions: subs.filter((s) => s.case_id === c.id).map((s) => ({ id: s.id, step: s.step, submittedAt: s.submitted_at, channel: s.channel, reference: s.csirt_reference })),
  }));
}

export function clocksOf(c: { kind: CraKind; aware_at: Date; measure_available_at: Date | null; submissions: readonly { step: CraStep; submittedAt: Date }[] }, now: Date, zone: string): CraClock[] {
  return craClocks({ kind: c.kind, awareAt: c.aware_at, measureAvailableAt: c.measure_available_at, submissions: c.submissions }, now, zone);
}

/** Loads everything the CRA panel and the exports show for one report. */
export async function loadCraView(db: Kysely<Database>, vault: ReportVault, report: Report, program: Program, now: Date = new Date()): Promise<CraView> {
  const zone = program.config.calendar.timeZone;
  const cases = await loadCraCases(db, [report.id]);
  // Most reports are never marked: one query for them on every report page.
  if (cases.length === 0) return { timeZone: zone, now, advisory: null, usersInformed: [], cases: [] };
  const advRow = await db.selectFrom('advisories').select(['id', 'state', 'public_id', 'published_at', 'content', 'draft_sealed', 'data_key']).where('report_id', '=', report.id).executeTakeFirst();
  const advisory = advRow ? { id: advRow.id, state: advRow.state, publicId: advRow.public_id, publishedAt: advRow.published_at } : null;
  const drafts = await loadCraDrafts(db, vault, report.id, cases.map((c) => c.id));
  const source = await prefillSource(db, vault, report, program, advRow?.id);
  const informed = await db.selectFrom('report_events').select('data').where('report_id', '=', report.id).where('type', '=', 'cra-users-informed').orderBy('id').execute();
  return {
    timeZone: zone,
    now,
    advisory,
    usersInformed: informed.map((e) => new Date(String((e.data as { at?: unknown }).at))).filter((d) => !Number.isNaN(d.getTime())),
    cases: cases.map((c) => ({
      id: c.id,
      kind: c.kind,
      awareAt: c.aware_at,
      measureAvailableAt: c.measure_available_at,
      submissions: c.submissions,
      clocks: clocksOf(c, now, zone),
      drafts: Object.fromEntries(
        CRA_STEPS.map((step) => {
          const saved = drafts.get(`${c.id}:${step}`);
          return [step, saved ? { values: saved, saved: true } : { values: prefillCraDraft(c.kind, step, source), saved: false }];
        }),
      ) as CraCaseView['drafts'],
    })),
  };
}

async function prefillSource(db: Kysely<Database>, vault: ReportVault, report: Report, program: Program, advisoryId: string | undefined): Promise<CraPrefillSource> {
  let advisory: CraPrefillSource['advisory'] = null;
  if (advisoryId) {
    const a = await loadStaffAdvisory(db, vault, advisoryId);
    if (a) {
      const content: AdvisoryContent = a.content;
      advisory = {
        summary: content.summary,
        details: content.details,
        mitigation: content.mitigation,
        cveId: content.cveId,
        fixedVersions: content.products.map((p) => (p.fixed ? `${p.name} ${p.fixed}` : '')).filter(Boolean),
        publicUrl: null,
      };
    }
  }
  const cwe = report.cwe_id ? findCwe(report.cwe_id) : undefined;
  return {
    productName: program.config.products.find((p) => p.id === report.product)?.name ?? report.product,
    productVersion: report.product_version || null,
    vulnerabilityType: VULNERABILITY_TYPES.find(([id]) => id === report.vulnerability_type)?.[1] ?? report.vulnerability_type,
    cwe: cwe ? cwe.label : null,
    title: report.title,
    description: report.description,
    impact: report.impact,
    teamSeverity: report.severity,
    teamCvss: report.team_cvss_vector && report.team_cvss_score != null ? { score: Number(report.team_cvss_score), vector: report.team_cvss_vector } : null,
    advisory,
  };
}
