import type { ReportVault } from '../../src/crypto/report-vault.ts';
import type { Db } from '../../src/db/database.ts';
import { loadConfig } from '../../src/config.ts';
import { loadProgram, syncPrograms, type Program } from '../../src/programs/programs.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import type { InstanceSecret } from '../../src/secrets/instance-secret.ts';
import { recordSubmissionDuplicates } from '../../src/triage/duplicate-suggestions.ts';
import { findLikelyDuplicates, type DuplicateCandidate } from '../../src/triage/find-likely-duplicates.ts';
import { markDuplicate } from '../../src/triage/mark-duplicate.ts';
import { screenSubmission } from '../../src/triage/spam-signals.ts';
import { DUPLICATE_FIXTURE, type FixtureReport } from '../fixtures/duplicate-reports.ts';
import { makeStaff } from './factories.ts';

export interface DuplicateMeasurement {
  reports: number;
  /** Hints recorded at submission (what the "possible duplicate" badge shows), and how many name the same bug. */
  suggestions: number;
  correct: number;
  precision: number;
  /** Reports with an earlier report of the same bug, and how many of them got a hint naming one. */
  duplicates: number;
  found: number;
  recall: number;
  /** Each wrong hint, "n14 → n01", for reading what went wrong. */
  wrong: string[];
  /** Each duplicate without a right hint. */
  missed: string[];
  /** The report page opened as each report arrives: the candidates it calls likely duplicates. */
  page: { shown: number; correct: number; precision: number; found: number; recall: number; wrong: string[] };
  /** Report ids by fixture key. */
  ids: Map<string, string>;
}

/** Which bug each report describes: the key of the first report of it. */
export function bugOf(reports: readonly FixtureReport[]): Map<string, string> {
  const bug = new Map<string, string>();
  for (const r of reports) bug.set(r.key, r.sameAs ? bug.get(r.sameAs)! : r.key);
  return bug;
}

/**
 * Submits the fixture's week in order, as the web form does (spam screening
 * and the duplicate check in the submission's transaction), has a triager
 * mark each labelled duplicate as it arrives, and scores the hints recorded
 * at submission against the labels. Needs a fresh database.
 */
export async function measureDuplicateSuggestions(
  db: Db,
  vault: ReportVault,
  secret: InstanceSecret,
  /** Which of the report page's candidates it presents as likely duplicates. */
  shownAsLikely: (c: DuplicateCandidate) => boolean,
): Promise<DuplicateMeasurement> {
  const configs = ['examples/gateway-vendor.json', 'examples/fraud-platform.json'].flatMap((file) => loadConfig({ EMBARGO_CONFIG: file }).programs);
  await syncPrograms(db, configs);
  const programs = new Map<string, Program>();
  for (const slug of ['nordlys', 'vigila']) programs.set(slug, (await loadProgram(db, { slug }))!);
  const triager = await makeStaff(db, 'triager', 'Fixture Triager');
  const ids = new Map<string, string>();
  const references = new Map<string, string>();
  const pageShown = new Map<string, string[]>();
  let seq = 0;
  for (const r of DUPLICATE_FIXTURE) {
    const program = programs.get(r.program)!;
    const input = {
      title: r.title,
      product: r.product,
      productVersion: 'unknown',
      vulnerabilityType: r.type,
      description: r.description,
      stepsToReproduce: r.steps,
      impact: r.impact,
      cvssVector: undefined,
      reporterName: undefined,
      reporterHandle: undefined,
      // One address per reporter: the per-address limit is not what is measured here.
      reporterEmail: `reporter${++seq}@researchers.example`,
      creditPreference: 'anonymous' as const,
      acceptPolicy: 'yes' as const,
      policyVersion: program.policy.version,
    };
    const screen = await screenSubmission(db, secret, { programId: program.id, input });
    const created = await submitReport(db, vault, {
      program,
      input,
      files: [],
      channel: 'web',
      withinTransaction: screen,
    });
    // The job that follows every submission records its likely duplicates.
    await recordSubmissionDuplicates(db, vault, created.id);
    ids.set(r.key, created.id);
    references.set(r.key, created.reference);
    // A triager opens the new report: what does its duplicates panel call likely?
    const live = await findLikelyDuplicates(db, vault, { programId: program.id, title: r.title, description: r.description, product: r.product, excludeReportId: created.id });
    pageShown.set(r.key, live.filter(shownAsLikely).map((c) => c.reportId));
    // The triager recognises a labelled duplicate the day it arrives and links it.
    if (r.sameAs) await markDuplicate(db, vault, { reportId: created.id, originalReference: references.get(r.sameAs)!, actorId: triager.id });
  }
  const keys = new Map([...ids].map(([k, id]) => [id, k]));
  const rows = await db.selectFrom('duplicate_suggestions').select(['report_id', 'candidate_id']).execute();
  const bug = bugOf(DUPLICATE_FIXTURE);
  const spam = new Set(DUPLICATE_FIXTURE.filter((r) => r.spam).map((r) => r.key));
  const right = (a: string, b: string) => !spam.has(a) && !spam.has(b) && bug.get(a) === bug.get(b);
  const wrong: string[] = [];
  let correct = 0;
  const hinted = new Set<string>();
  for (const row of rows) {
    const [a, b] = [keys.get(row.report_id)!, keys.get(row.candidate_id)!];
    if (right(a, b)) {
      correct++;
      hinted.add(a);
    } else wrong.push(`${a} → ${b}`);
  }
  const dups = DUPLICATE_FIXTURE.filter((r) => r.sameAs).map((r) => r.key);
  const missed = dups.filter((k) => !hinted.has(k));
  const page = { shown: 0, correct: 0, found: 0, wrong: [] as string[] };
  for (const [key, shown] of pageShown) {
    page.shown += shown.length;
    const rightOnes = shown.filter((id) => right(key, keys.get(id)!)).length;
    page.correct += rightOnes;
    if (rightOnes > 0 && dups.includes(key)) page.found++;
    page.wrong.push(...shown.filter((id) => !right(key, keys.get(id)!)).map((id) => `${key} → ${keys.get(id)}`));
  }
  return {
    reports: DUPLICATE_FIXTURE.length,
    suggestions: rows.length,
    correct,
    precision: rows.length ? correct / rows.length : 1,
    duplicates: dups.length,
    found: dups.length - missed.length,
    recall: dups.length ? (dups.length - missed.length) / dups.length : 1,
    wrong: wrong.sort(),
    missed,
    page: {
      ...page,
      precision: page.shown ? page.correct / page.shown : 1,
      recall: dups.length ? page.found / dups.length : 1,
    },
    ids,
  };
}

/** The numbers in three lines, as the bench prints them and docs/triage.md quotes them. */
export function describeMeasurement(m: DuplicateMeasurement): string {
  const pct = (x: number) => x.toFixed(2);
  return [
    `${m.reports} reports, ${m.duplicates} of them duplicates of an earlier one`,
    `hints at submission ("possible duplicate"): precision ${pct(m.precision)} (${m.correct} of ${m.suggestions} right), recall ${pct(m.recall)} (${m.found} of ${m.duplicates} found)`,
    `report page "likely duplicates": precision ${pct(m.page.precision)} (${m.page.correct} of ${m.page.shown} right), recall ${pct(m.page.recall)} (${m.page.found} of ${m.duplicates} found)`,
  ].join('\n');
}
