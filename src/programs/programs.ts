import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../db/database.ts';
import { policyOwner } from '../policy/policy-versions.ts';
import { grantNewProgramToInstanceAdmins } from '../staff/accounts/new-program-access.ts';
import { policySectionsSchema, programConfigSchema, type PolicySections, type ProgramConfig } from './program-config.ts';
import { isLanguage, type Language } from '../i18n/languages.ts';

export interface Program {
  id: string;
  slug: string;
  config: ProgramConfig;
  policy: { id: string; version: number; sections: PolicySections; publishedAt: Date; translations: PolicyTranslations };
}

/** A policy version's translations: the same sections in other languages (docs/languages.md). */
export type PolicyTranslations = Partial<Record<Language, PolicySections>>;

/** Reads stored translations, dropping any that no longer parse or name a language not shipped. */
export function parsePolicyTranslations(raw: unknown): PolicyTranslations {
  const out: PolicyTranslations = {};
  if (raw && typeof raw === 'object') {
    for (const [language, sections] of Object.entries(raw)) {
      const parsed = policySectionsSchema.safeParse(sections);
      if (isLanguage(language) && parsed.success) out[language] = parsed.data;
    }
  }
  return out;
}

/** The note of a version published from the file: the public history says where every version came from. */
export const FILE_POLICY_NOTE = 'Published from the configuration file (embargo.config.json).';

/**
 * Makes the database match the config file: creates programs that are new,
 * updates their settings (the file owns them: nothing else edits them), and
 * publishes the file's policy as a new version when its text changed since it
 * was last applied. The policy has one owner: the file, until an admin
 * publishes a version in the policy editor; from then on the editor owns it
 * and the file's policy is ignored, never published over the admin's. Returns
 * one warning per program whose ignored file policy differs from the one
 * published, naming the sections, for the start-up log. Published versions are
 * never edited.
 */
export async function syncPrograms(db: Db, configs: readonly ProgramConfig[]): Promise<string[]> {
  const warnings: string[] = [];
  try {
    for (const config of configs) await syncProgram(db, config, warnings);
  } finally {
    forgetCachedPrograms();
  }
  return warnings;
}

async function syncProgram(db: Db, config: ProgramConfig, warnings: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('programs').select(['id', 'config']).where('slug', '=', config.slug).executeTakeFirst();
    const programId = existing
      ? existing.id
      : (
          await trx
            .insertInto('programs')
            .values({ slug: config.slug, name: config.name, config: JSON.stringify(config) })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
    // Nobody has a role in a new program yet: the instance's admins become its admins.
    if (!existing) await grantNewProgramToInstanceAdmins(trx, programId);
    if (existing) {
      await trx
        .updateTable('programs')
        .set({ name: config.name, config: JSON.stringify(config) })
        .where('id', '=', programId)
        .execute();
    }
    const latest = await trx
      .selectFrom('policy_versions')
      .select(['version', 'sections', 'translations'])
      .where('program_id', '=', programId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    const owner = await policyOwner(trx, programId);
    if (latest && owner.kind === 'editor') {
      const differing = differingSections(policySectionsSchema.parse(latest.sections), config.policy);
      if (differing.length) {
        warnings.push(
          `Program ${config.slug}: the policy was published in the policy editor (version ${owner.version}), so the policy in the configuration file is ignored; ` +
            `it differs in ${differing.join(', ')}. Edit the policy in the editor, or copy the published text into the file to silence this warning.`,
        );
      }
      return;
    }
    const previous = existing?.config as ProgramConfig | undefined;
    const previouslyApplied = previous?.policy;
    // A changed translation is a new version too: a published version, in any language, is never edited.
    const translations = config.policyTranslations ?? {};
    const fileChanged = !previouslyApplied || !isDeepStrictEqual(previouslyApplied, config.policy) || !isDeepStrictEqual(previous?.policyTranslations ?? {}, translations);
    if (!latest || (fileChanged && !(isDeepStrictEqual(latest.sections, config.policy) && isDeepStrictEqual(parsePolicyTranslations(latest.translations), parsePolicyTranslations(translations))))) {
      await trx
        .insertInto('policy_versions')
        .values({ program_id: programId, version: (latest?.version ?? 0) + 1, sections: JSON.stringify(config.policy), translations: JSON.stringify(translations), note: FILE_POLICY_NOTE })
        .execute();
    }
  });
}

/** The sections whose text differs, in the order of the policy. */
function differingSections(a: PolicySections, b: PolicySections): string[] {
  return (Object.keys(b) as (keyof PolicySections)[]).filter((k) => (a[k] ?? '') !== (b[k] ?? ''));
}

const parsed = new Map<string, unknown>();

/**
 * Validating a program's config and policy with zod took a tenth of a
 * submission's CPU time, and every request loads the program: the stored
 * JSON rarely changes, so each distinct text is parsed once (bounded memo).
 */
function parsedOnce<T>(raw: unknown, parse: (raw: unknown) => T): T {
  const key = JSON.stringify(raw);
  let value = parsed.get(key) as T | undefined;
  if (value === undefined) {
    value = parse(raw);
    if (parsed.size >= 200) parsed.clear();
    parsed.set(key, deepFreeze(value));
  }
  return value;
}

/**
 * Freezes a value and everything in it. Programs, their configs and policies are shared by every
 * request that reads them (copying one per request was 2 % of a submission's CPU), so none may change
 * one: an assignment throws instead of leaking into the next request.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Programs read recently, per database handle: every public page and every submission needs its
 * program and current policy, which change a few times a year, and the read was one of a submission's
 * ten round trips (docs/performance.md). A change made in this process (syncPrograms, a published
 * policy) empties it at once; one made by another process (another `embargo serve` on the same
 * PostgreSQL) shows here within PROGRAM_CACHE_MS. A transaction's reads (a Transaction is its own
 * handle) are never served from it.
 */
const PROGRAM_CACHE_MS = 2_000;
let cachedPrograms = new WeakMap<Db, Map<string, { program: Program | undefined; at: number }>>();

/** Drops every remembered program: called after this process changed a program or its policy. */
export function forgetCachedPrograms(): void {
  cachedPrograms = new WeakMap();
}

/** A program with its current policy version, or undefined. */
export async function loadProgram(db: Db, where: { slug: string } | { id: string }): Promise<Program | undefined> {
  if (db.isTransaction) return readProgram(db, where);
  const key = 'slug' in where ? `slug:${where.slug}` : `id:${where.id}`;
  let cache = cachedPrograms.get(db);
  const hit = cache?.get(key);
  if (hit && Date.now() - hit.at < PROGRAM_CACHE_MS) return hit.program;
  const generation = cachedPrograms;
  const program = await readProgram(db, where);
  // Not when a change was made meanwhile: what was read may predate it.
  if (generation === cachedPrograms) {
    if (!cache) cachedPrograms.set(db, (cache = new Map()));
    if (cache.size >= 200) cache.clear();
    cache.set(key, { program, at: Date.now() });
  }
  return program;
}

async function readProgram(db: Db, where: { slug: string } | { id: string }): Promise<Program | undefined> {
  let q = db
    .selectFrom('programs as p')
    .innerJoin('policy_versions as v', 'v.program_id', 'p.id')
    .select(['p.id', 'p.slug', 'p.config', 'v.id as policyId', 'v.version', 'v.sections', 'v.published_at', 'v.translations'])
    .orderBy('v.version', 'desc')
    .limit(1);
  q = 'slug' in where ? q.where('p.slug', '=', where.slug) : q.where('p.id', '=', where.id);
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  return deepFreeze({
    id: row.id,
    slug: row.slug,
    config: parsedOnce(row.config, (raw) => programConfigSchema.parse(raw)),
    policy: {
      id: row.policyId,
      version: row.version,
      sections: parsedOnce(row.sections, (raw) => policySectionsSchema.parse(raw)),
      publishedAt: row.published_at,
      translations: parsedOnce(row.translations, parsePolicyTranslations),
    },
  });
}
