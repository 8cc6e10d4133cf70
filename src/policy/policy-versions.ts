import { forgetCachedPrograms } from '../programs/programs.ts';
import type { Db } from '../db/database.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { ValidationError } from '../errors.ts';
import { policySectionsSchema, type PolicySections } from '../programs/program-config.ts';
import { REQUIRED_SECTIONS } from './policy-sections.ts';
import { placeholderProblems } from './policy-text.ts';

export interface PolicyVersion {
  id: string;
  version: number;
  sections: PolicySections;
  publishedAt: Date;
  publishedBy: string | null;
  note: string | null;
}

export async function listPolicyVersions(db: Db, programId: string): Promise<PolicyVersion[]> {
  const rows = await db
    .selectFrom('policy_versions as v')
    .leftJoin('staff_users as u', 'u.id', 'v.published_by')
    .select(['v.id', 'v.version', 'v.sections', 'v.published_at', 'v.note', 'u.display_name'])
    .where('v.program_id', '=', programId)
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    sections: policySectionsSchema.parse(r.sections),
    publishedAt: r.published_at,
    publishedBy: r.display_name,
    note: r.note,
  }));
}

export async function getPolicyVersion(db: Db, programId: string, version: number): Promise<PolicyVersion | undefined> {
  return (await listPolicyVersions(db, programId)).find((v) => v.version === version);
}

/**
 * Who owns a program's policy: the config file, until an admin publishes a
 * version in the editor (the latest such version), after which the file's
 * policy is ignored (src/programs/programs.ts).
 */
export async function policyOwner(db: Db, programId: string): Promise<{ kind: 'file' } | { kind: 'editor'; version: number }> {
  const row = await db
    .selectFrom('policy_versions')
    .select('version')
    .where('program_id', '=', programId)
    .where('published_by', 'is not', null)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { kind: 'editor', version: row.version } : { kind: 'file' };
}

/** Validates edited sections: the core sections may not be empty; every section is bounded. */
export function parsePolicyForm(fields: Record<string, unknown>): { ok: true; sections: PolicySections } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  for (const key of REQUIRED_SECTIONS) {
    if (typeof fields[key] !== 'string' || (fields[key] as string).trim() === '') errors[key] = 'This section cannot be empty.';
  }
  const parsed = policySectionsSchema.safeParse(
    Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/\r\n/g, '\n').trim() : v])),
  );
  if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
  for (const [k, v] of Object.entries(parsed.success ? parsed.data : {})) if (v.length > 20_000) errors[k] = 'At most 20,000 characters.';
  for (const [k, problem] of Object.entries(placeholderProblems(parsed.success ? parsed.data : {}))) errors[k] ??= problem;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, sections: (parsed as { data: PolicySections }).data };
}

/**
 * Publishes a new version from the editor (the next number), recording who and
 * why; from then on the editor owns the policy and the config file's is ignored
 * (src/programs/programs.ts). Published versions are never edited.
 */
export async function publishPolicyVersion(
  db: Db,
  args: { programId: string; sections: PolicySections; publishedBy: string; note?: string },
): Promise<number> {
  // An unknown placeholder would be published as is, braces and all.
  const problems = placeholderProblems(args.sections);
  if (Object.keys(problems).length) throw new ValidationError(problems, 'The policy uses placeholders that do not exist.');
  return db.transaction().execute(async (trx) => {
    const latest = await trx
      .selectFrom('policy_versions')
      .select(['version', 'sections'])
      .where('program_id', '=', args.programId)
      .orderBy('version', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (latest && JSON.stringify(policySectionsSchema.parse(latest.sections)) === JSON.stringify(args.sections)) {
      throw new ValidationError({ _form: 'Nothing changed since the current version.' }, 'Nothing changed since the current version.');
    }
    // The public history says who changed the promise and why; a version without a why cannot be read.
    if (!args.note?.trim()) throw new ValidationError({ note: 'Say why the policy changes: the note is shown in the public history.' });
    const version = (latest?.version ?? 0) + 1;
    await trx
      .insertInto('policy_versions')
      .values({
        program_id: args.programId,
        version,
        sections: JSON.stringify(args.sections),
        published_by: args.publishedBy,
        note: args.note?.trim() || null,
      })
      .execute();
    await appendAudit(trx, { actor: { kind: 'staff', id: args.publishedBy }, action: 'policy.published', details: { programId: args.programId, version } });
    return version;
  }).finally(forgetCachedPrograms);
}
