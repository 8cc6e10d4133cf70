import type { Transaction } from 'kysely';
import { contentHash, requireSecondPerson, twoPersonRuleOn, type Approval } from '../approvals/second-person.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { InvalidTransitionError, NotFoundError, ValidationError } from '../errors.ts';
import { programBaseUrl } from '../programs/program-hosts.ts';
import { loadProgram, type Program } from '../programs/programs.ts';
import { findReportByReference } from '../reports/read-report.ts';
import { applyTransition, lockReportState } from '../reports/report-actions.ts';
import { queueWebhookEvent } from '../webhooks/queue-webhooks.ts';
import { recordEvent } from '../reports/record-event.ts';
import { openReporter, type ReporterIdentity } from '../reports/report-contents.ts';
import { queueSubscriberNotice } from '../subscriptions/notify-subscribers.ts';
import { advisorySearchText, cvssVectorFields, toAdvisory, type AdvisoryContent } from './advisory-content.ts';
import type { Advisory, AdvisoryCredit, AdvisoryPublisher, AdvisoryRevision } from './advisory.ts';

/** An advisory as the staff pages handle it: content opened whether draft or published. */
export interface StaffAdvisory {
  id: string;
  programId: string;
  /** Null until first published (see nextPublicId). */
  publicId: string | null;
  state: 'draft' | 'published';
  reportId: string | null;
  reportReference: string | null;
  content: AdvisoryContent;
  revisions: AdvisoryRevision[];
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
}

const keyId = (id: string) => `advisory:${id}`;

/** The program as the publisher of its advisories; its URLs are on the program's own host (src/programs/program-hosts.ts). */
export function advisoryPublisher(program: Program, instanceBaseUrl: string): AdvisoryPublisher {
  return { name: program.config.vendor, baseUrl: programBaseUrl(instanceBaseUrl, program), contactEmail: program.config.contactEmail, ...(program.config.csaf ? { csaf: program.config.csaf } : {}) };
}

/** EMB-SA-2026-0001: the program's reference prefix, "SA", the year, a per-year number. */
async function nextPublicId(trx: Transaction<Database>, program: Program, now: Date): Promise<string> {
  const year = now.getUTCFullYear();
  const counter = await trx
    .insertInto('advisory_counters')
    .values({ program_id: program.id, year, last_number: 1 })
    .onConflict((oc) => oc.columns(['program_id', 'year']).doUpdateSet((eb) => ({ last_number: eb('advisory_counters.last_number', '+', 1) })))
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return `${program.config.referencePrefix}-SA-${year}-${String(counter.last_number).padStart(4, '0')}`;
}

/** The report and its duplicates, oldest first: whose credit choices an advisory of the report follows. */
function reportAndDuplicates(db: Db | Transaction<Database>, reportId: string) {
  return db
    .selectFrom('reports')
    .select(['id', 'data_key', 'reporter_sealed', 'credit_preference', 'credit_with_original'])
    .where((eb) => eb.or([eb('id', '=', reportId), eb('duplicate_of', '=', reportId)]))
    .orderBy('created_at')
    .execute();
}

type ReporterRow = Awaited<ReturnType<typeof reportAndDuplicates>>[number];

/** Whether a row's reporter is credited with the report: its own reporter, or a duplicate's the team credits with the original. */
const creditedWith = (reportId: string, r: ReporterRow) => r.id === reportId || r.credit_with_original;

/** The name or handle the reporter chose to be credited by; "anonymous" and "none" name nobody. */
function chosenCredit(r: ReporterRow, who: ReporterIdentity): string | null {
  return r.credit_preference === 'name' ? who.name : r.credit_preference === 'handle' ? who.handle : null;
}

/** Credits as the reporters chose them: the reporter, and duplicate reporters the team credits with the original. */
async function creditsFromReport(db: Db | Transaction<Database>, vault: ReportVault, reportId: string): Promise<AdvisoryCredit[]> {
  const credits: AdvisoryCredit[] = [];
  for (const r of await reportAndDuplicates(db, reportId)) {
    const name = creditedWith(reportId, r) ? chosenCredit(r, openReporter(vault, r)) : null;
    if (name && !credits.some((c) => c.name === name)) credits.push({ name, role: 'finder' });
  }
  return credits;
}

/**
 * Reporters choose how they are credited until disclosure, and may change
 * their mind after a draft was written: a name or handle the reporter (or a
 * credited duplicate's reporter) has not chosen to show is refused at
 * publication, whatever the draft says.
 */
async function refuseWithheldCredits(db: Db | Transaction<Database>, vault: ReportVault, reportId: string, credits: readonly AdvisoryCredit[]): Promise<void> {
  const key = (name: string) => name.trim().toLowerCase();
  const withheld = new Set<string>();
  const allowed = new Set<string>();
  for (const r of await reportAndDuplicates(db, reportId)) {
    const who = openReporter(vault, r);
    if (who.name && r.credit_preference !== 'name') withheld.add(key(who.name));
    if (who.handle && r.credit_preference !== 'handle') withheld.add(key(who.handle));
    const chosen = creditedWith(reportId, r) ? chosenCredit(r, who) : null;
    if (chosen) allowed.add(key(chosen));
  }
  const refused = credits.filter((c) => withheld.has(key(c.name)) && !allowed.has(key(c.name)));
  if (refused.length) {
    throw new ValidationError(
      { 'credit.0.name': `${refused.map((c) => c.name).join(', ')}: the reporter has not chosen to be credited by this name. Remove it, or ask them to change their credit choice on their tracking page.` },
      'The advisory was not published.',
    );
  }
}

/**
 * Starts an advisory from a report, pre-filled with what the team already
 * decided (title, score, weakness, product) and the credits the reporters
 * chose. A report has one advisory: asking again returns the existing one.
 */
export async function draftAdvisoryFromReport(db: Db, vault: ReportVault, args: { reportReference: string; actorId: string; now?: Date }): Promise<{ id: string; created: boolean }> {
  const report = await findReportByReference(db, vault, args.reportReference);
  if (!report) throw new NotFoundError('This report');
  const existing = await db.selectFrom('advisories').select('id').where('report_id', '=', report.id).executeTakeFirst();
  if (existing) return { id: existing.id, created: false };
  const program = await loadProgram(db, { id: report.program_id });
  if (!program) throw new NotFoundError('This program');
  const product = program.config.products.find((p) => p.id === report.product);
  const content: AdvisoryContent = {
    title: report.title,
    summary: '',
    details: '',
    mitigation: '',
    cveId: null,
    cweId: report.cwe_id,
    ...cvssVectorFields([report.team_cvss_vector, report.team_cvss_second_vector]),
    products: product ? [{ productId: product.id, name: product.name, introduced: null, fixed: null, package: null }] : [],
    credits: await creditsFromReport(db, vault, report.id),
    references: [],
  };
  const id = crypto.randomUUID();
  const { key, wrapped } = vault.newKey(keyId(id));
  try {
    await db
      .insertInto('advisories')
      .values({ id, program_id: program.id, report_id: report.id, state: 'draft', data_key: wrapped, draft_sealed: vault.sealJson(key, 'draft', content), created_by: args.actorId })
      .execute();
  } catch (err) {
    // Two clicks at once: the unique index (advisories_report) lets one draft in; the other opens it.
    const raced = await db.selectFrom('advisories').select('id').where('report_id', '=', report.id).executeTakeFirst();
    if (raced) return { id: raced.id, created: false };
    throw err;
  }
  return { id, created: true };
}

type AdvisoryRow = Awaited<ReturnType<typeof selectAdvisory>>;

function selectAdvisory(db: Db | Transaction<Database>, id: string, lock = false) {
  let q = db
    .selectFrom('advisories as a')
    .leftJoin('reports as r', 'r.id', 'a.report_id')
    .select(['a.id', 'a.program_id', 'a.public_id', 'a.state', 'a.report_id', 'r.reference as report_reference', 'a.data_key', 'a.draft_sealed', 'a.content', 'a.revisions', 'a.created_at', 'a.updated_at', 'a.published_at'])
    .where('a.id', '=', id);
  if (lock) q = q.forUpdate('a');
  return q.executeTakeFirst();
}

function openAdvisory(vault: ReportVault, row: NonNullable<AdvisoryRow>): StaffAdvisory {
  const content =
    row.state === 'draft' && row.draft_sealed
      ? vault.openJson<AdvisoryContent>(vault.openKey(keyId(row.id), row.data_key), 'draft', row.draft_sealed)
      : (row.content as AdvisoryContent);
  return {
    id: row.id,
    programId: row.program_id,
    publicId: row.public_id,
    state: row.state,
    reportId: row.report_id,
    reportReference: row.report_reference,
    content,
    revisions: row.revisions as AdvisoryRevision[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
  };
}

/** One advisory for the staff pages; callers check the program with `can`. */
export async function loadStaffAdvisory(db: Db, vault: ReportVault, id: string): Promise<StaffAdvisory | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = await selectAdvisory(db, id);
  return row ? openAdvisory(vault, row) : undefined;
}

/** The report page's advisory panel. */
export async function findAdvisoryForReport(db: Db, reportId: string): Promise<{ id: string; publicId: string | null; state: 'draft' | 'published' } | undefined> {
  const row = await db.selectFrom('advisories').select(['id', 'public_id', 'state']).where('report_id', '=', reportId).executeTakeFirst();
  return row && { id: row.id, publicId: row.public_id, state: row.state };
}

/**
 * Takes names out of the credits of a report's unpublished advisory: used when
 * a reporter's personal data is erased, so a draft written before cannot
 * publish the name afterwards. Runs in the caller's transaction.
 */
export async function removeDraftCredits(trx: Transaction<Database>, vault: ReportVault, reportId: string, names: readonly string[]): Promise<void> {
  const drop = new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean));
  if (drop.size === 0) return;
  const drafts = await trx.selectFrom('advisories').select(['id', 'data_key', 'draft_sealed']).where('report_id', '=', reportId).where('state', '=', 'draft').forUpdate().execute();
  for (const d of drafts) {
    if (!d.draft_sealed) continue;
    const key = vault.openKey(keyId(d.id), d.data_key);
    const content = vault.openJson<AdvisoryContent>(key, 'draft', d.draft_sealed);
    const credits = content.credits.filter((c) => !drop.has(c.name.trim().toLowerCase()));
    if (credits.length === content.credits.length) continue;
    await trx.updateTable('advisories').set({ draft_sealed: vault.sealJson(key, 'draft', { ...content, credits }), updated_at: new Date() }).where('id', '=', d.id).execute();
  }
}

/** Saves a draft's content (sealed); published advisories change only by publishing a revision. */
export async function saveDraft(db: Db, vault: ReportVault, args: { id: string; content: AdvisoryContent }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await selectAdvisory(trx, args.id, true);
    if (!row) throw new NotFoundError('This advisory');
    if (row.state !== 'draft') throw new InvalidTransitionError('This advisory is published: change it by publishing a revision.');
    const key = vault.openKey(keyId(row.id), row.data_key);
    await trx.updateTable('advisories').set({ draft_sealed: vault.sealJson(key, 'draft', args.content), updated_at: new Date() }).where('id', '=', row.id).execute();
  });
}

/** Throws a draft away; a published advisory stays published (correct it with a revision). */
export async function discardDraft(db: Db, id: string): Promise<void> {
  const result = await db.deleteFrom('advisories').where('id', '=', id).where('state', '=', 'draft').executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new InvalidTransitionError('Only a draft can be discarded.');
}

/**
 * Publishes a draft (revision 1) or a revision of a published advisory.
 * The first publication tells the reporter, with the public link: a fixed
 * report moves to disclosed; otherwise an "advisory published" event does.
 * Never automatic: only a person with the right to publish calls this.
 */
export async function publishAdvisory(
  db: Db,
  vault: ReportVault,
  args: { id: string; actorId: string; content: AdvisoryContent; revisionSummary: string; baseUrl: string; now?: Date; approval?: Approval },
): Promise<{ publicId: string; revision: number }> {
  const now = args.now ?? new Date();
  await secondPersonForFirstPublication(db, vault, args); // the program's two-person rule (src/approvals/)
  return db.transaction().execute(async (trx) => {
    const row = await selectAdvisory(trx, args.id, true);
    if (!row) throw new NotFoundError('This advisory');
    const revisions = row.revisions as AdvisoryRevision[];
    const first = row.state === 'draft';
    const summary = args.revisionSummary.trim() || (first ? 'Initial release' : '');
    if (!summary) throw new ValidationError({ revisionSummary: 'Say what changed in this revision; readers of the advisory see it.' }, 'The revision was not published.');
    if (summary.length > 500) throw new ValidationError({ revisionSummary: 'At most 500 characters.' }, 'The revision was not published.');
    if (row.report_id) await refuseWithheldCredits(trx, vault, row.report_id, args.content.credits);
    // The public number is taken at first publication, so the public sequence has no gaps for drafts.
    let publicId = row.public_id;
    const program = await loadProgram(trx, { id: row.program_id });
    if (!program) throw new NotFoundError('This program');
    if (!publicId) publicId = await nextPublicId(trx, program, now);
    const next: AdvisoryRevision[] = [...revisions, { number: revisions.length + 1, date: now.toISOString(), summary }];
    await trx
      .updateTable('advisories')
      .set({
        state: 'published',
        public_id: publicId,
        content: JSON.stringify(args.content),
        search_text: advisorySearchText(args.content),
        revisions: JSON.stringify(next),
        draft_sealed: null,
        published_at: first ? now : (row.published_at ?? now),
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    // Customers following its products hear of it ("updated" for a revision), after commit (src/subscriptions/).
    await queueSubscriberNotice(trx, { advisoryId: row.id, revision: next.length });
    // The program's webhooks that asked for it (src/webhooks/), after commit too.
    await queueWebhookEvent(trx, { event: 'advisory.published', programId: row.program_id, reportId: row.report_id ?? undefined, advisoryId: row.id });
    if (row.report_id) {
      const report = await lockReportState(trx, row.report_id);
      const url = `${programBaseUrl(args.baseUrl, program)}/advisories/${encodeURIComponent(publicId)}`;
      const data = { advisoryId: publicId, advisoryUrl: url, revision: next.length };
      const actor = { kind: 'staff' as const, id: args.actorId };
      if (first && report.state === 'fixed') {
        await applyTransition(trx, report, 'disclosed', actor, undefined, data);
        await recordEvent(trx, { reportId: report.id, actor, type: 'advisory-published', data, reporterVisible: false });
      } else {
        await recordEvent(trx, { reportId: report.id, actor, type: 'advisory-published', data, reporterVisible: first });
      }
    }
    return { publicId, revision: next.length };
  });
}

/**
 * A first publication under the two-person rule: without an approval the
 * content is kept as the draft and the request recorded (with a hash of that
 * content, so the approver publishes exactly what was asked), and it stops.
 * Revisions of a published advisory are not held back.
 */
async function secondPersonForFirstPublication(db: Db, vault: ReportVault, args: { id: string; actorId: string; content: AdvisoryContent; revisionSummary: string; approval?: Approval }): Promise<void> {
  const row = await db.selectFrom('advisories').select(['program_id', 'report_id', 'state']).where('id', '=', args.id).executeTakeFirst();
  if (!row || row.state !== 'draft') return;
  if (!args.approval && (await twoPersonRuleOn(db, row.program_id))) await saveDraft(db, vault, { id: args.id, content: args.content });
  await requireSecondPerson(db, vault, {
    programId: row.program_id,
    reportId: row.report_id,
    advisoryId: args.id,
    action: 'publish-advisory',
    actorId: args.actorId,
    params: { contentHash: contentHash(args.content), revisionSummary: args.revisionSummary.slice(0, 500) },
    ...(args.approval ? { approval: args.approval } : {}),
  });
}

/** Staff list: drafts first, then published, newest first. */
export async function listStaffAdvisories(db: Db, programIds: readonly string[]) {
  if (programIds.length === 0) return [];
  const rows = await db
    .selectFrom('advisories as a')
    .leftJoin('reports as r', 'r.id', 'a.report_id')
    .select(['a.id', 'a.public_id', 'a.state', 'a.content', 'a.updated_at', 'a.published_at', 'r.reference as report_reference'])
    .where('a.program_id', 'in', programIds)
    .orderBy('a.state', 'asc')
    .orderBy('a.updated_at', 'desc')
    .limit(500)
    .execute();
  // A draft's title is sealed; the list names drafts by id and report only.
  return rows.map((r) => ({
    id: r.id,
    publicId: r.public_id,
    state: r.state,
    title: r.state === 'published' ? (r.content as AdvisoryContent).title : null,
    reportReference: r.report_reference,
    updatedAt: r.updated_at,
    publishedAt: r.published_at,
  }));
}

/** A published advisory with the program that publishes it (its key, its CNA id). */
export interface PublishedAdvisory {
  advisory: Advisory;
  program: Program;
}

/** A program's published advisories, newest first, as every public output renders them. */
export async function listPublishedAdvisories(db: Db, baseUrl: string, options: { programId: string; limit?: number }): Promise<Advisory[]> {
  const rows = await db
    .selectFrom('advisories')
    .select(['public_id', 'program_id', 'content', 'revisions'])
    .where('state', '=', 'published')
    .where('program_id', '=', options.programId)
    .orderBy('published_at', 'desc')
    .orderBy('public_id', 'desc')
    .limit(options.limit ?? 1000)
    .execute();
  return (await toPublic(db, baseUrl, rows)).map((p) => p.advisory);
}

/** One published advisory of the program by its public id; drafts and other programs' are "not found". */
export async function loadPublishedAdvisory(db: Db, baseUrl: string, publicId: string, only: { programId: string }): Promise<PublishedAdvisory | undefined> {
  const rows = await db
    .selectFrom('advisories')
    .select(['public_id', 'program_id', 'content', 'revisions'])
    .where('state', '=', 'published')
    .where('public_id', '=', publicId)
    .where('program_id', '=', only.programId)
    .execute();
  return (await toPublic(db, baseUrl, rows))[0];
}

/** One published advisory by its public id; drafts are "not found". */
export async function findPublishedAdvisory(db: Db, baseUrl: string, publicId: string, only: { programId: string }): Promise<Advisory | undefined> {
  return (await loadPublishedAdvisory(db, baseUrl, publicId, only))?.advisory;
}

async function toPublic(db: Db, baseUrl: string, rows: { public_id: string | null; program_id: string; content: unknown; revisions: unknown }[]): Promise<PublishedAdvisory[]> {
  const programs = new Map<string, Program>();
  const out: PublishedAdvisory[] = [];
  for (const r of rows) {
    // Published rows always have their number (CHECK in 2026-11-23T1600); the guard keeps the type honest.
    if (!r.public_id) continue;
    let program = programs.get(r.program_id);
    if (!program) {
      program = await loadProgram(db, { id: r.program_id });
      if (!program) continue;
      programs.set(r.program_id, program);
    }
    const advisory = toAdvisory({ publicId: r.public_id, content: r.content as AdvisoryContent, publisher: advisoryPublisher(program, baseUrl), revisions: r.revisions as AdvisoryRevision[] });
    out.push({ advisory, program });
  }
  return out;
}
