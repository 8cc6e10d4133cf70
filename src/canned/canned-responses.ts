import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import type { ClosureReason } from '../db/schema.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { CLOSURE_REASON_IDS } from '../triage/closure-reasons.ts';
import { TEMPLATE_VARIABLES, unknownVariables } from './template-variables.ts';

export interface CannedResponse {
  id: string;
  title: string;
  body: string;
  closureReason: ClosureReason | null;
  updatedAt: Date;
}

/** The staff page's create and edit form. */
export const cannedResponseFormSchema = z.object({
  title: z.string().trim().min(1, 'Give the template a title.').max(120, 'Keep the title under 120 characters.'),
  body: z
    .string()
    .trim()
    .min(1, 'Write the text of the template.')
    .max(5000, 'Keep the text under 5000 characters.')
    .superRefine((body, ctx) => {
      const unknown = unknownVariables(body);
      if (unknown.length) {
        ctx.addIssue({ code: 'custom', message: `Unknown variable ${unknown.map((n) => `{{${n}}}`).join(', ')}. Known: ${Object.keys(TEMPLATE_VARIABLES).map((n) => `{{${n}}}`).join(', ')}.` });
      }
    }),
  closureReason: z.preprocess((v) => (v === '' ? null : v), z.enum(CLOSURE_REASON_IDS, { error: 'Choose a listed reason.' }).nullable().default(null)),
});
export type CannedResponseForm = z.infer<typeof cannedResponseFormSchema>;

const columns = ['id', 'title', 'body', 'closure_reason', 'updated_at'] as const;
const present = (r: { id: string; title: string; body: string; closure_reason: ClosureReason | null; updated_at: Date }): CannedResponse => ({
  id: r.id,
  title: r.title,
  body: r.body,
  closureReason: r.closure_reason,
  updatedAt: r.updated_at,
});

/** A program's templates by title (index canned_responses_program_title). */
export async function listCannedResponses(db: Db, programId: string): Promise<CannedResponse[]> {
  const rows = await db.selectFrom('canned_responses').select(columns).where('program_id', '=', programId).orderBy(sql`lower(title)`).orderBy('id').execute();
  return rows.map(present);
}

/** One template of a program; another program's is "not found". */
export async function findCannedResponse(db: Db, programId: string, id: string): Promise<CannedResponse | undefined> {
  if (!z.uuid().safeParse(id).success) return undefined;
  const row = await db.selectFrom('canned_responses').select(columns).where('program_id', '=', programId).where('id', '=', id).executeTakeFirst();
  return row && present(row);
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}

const titleTaken = () => new ValidationError({ title: 'Another template already has this title.' }, 'The template was not saved.');

export async function createCannedResponse(db: Db, args: { programId: string; actorId: string; form: CannedResponseForm }): Promise<string> {
  try {
    const row = await db
      .insertInto('canned_responses')
      .values({ program_id: args.programId, title: args.form.title, body: args.form.body, closure_reason: args.form.closureReason, created_by: args.actorId, updated_by: args.actorId })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  } catch (err) {
    if (isUniqueViolation(err)) throw titleTaken();
    throw err;
  }
}

export async function updateCannedResponse(db: Db, args: { programId: string; id: string; actorId: string; form: CannedResponseForm }): Promise<void> {
  if (!z.uuid().safeParse(args.id).success) throw new NotFoundError('This template');
  try {
    const result = await db
      .updateTable('canned_responses')
      .set({ title: args.form.title, body: args.form.body, closure_reason: args.form.closureReason, updated_by: args.actorId, updated_at: new Date() })
      .where('program_id', '=', args.programId)
      .where('id', '=', args.id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError('This template');
  } catch (err) {
    if (isUniqueViolation(err)) throw titleTaken();
    throw err;
  }
}

export async function deleteCannedResponse(db: Db, args: { programId: string; id: string }): Promise<void> {
  if (!z.uuid().safeParse(args.id).success) throw new NotFoundError('This template');
  const result = await db.deleteFrom('canned_responses').where('program_id', '=', args.programId).where('id', '=', args.id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('This template');
}
