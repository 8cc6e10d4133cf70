import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { AppError, ValidationError } from '../../errors.ts';
import { loadProgram } from '../../programs/programs.ts';
import { createApiToken, listApiTokens, revokeApiToken, type ApiTokenInfo } from './api-tokens.ts';

/**
 * `embargo token create|revoke|list` as admin commands: run by the server that
 * holds the embedded database (through the admin socket), or directly by the
 * CLI otherwise. The program slug defaults to the first program in the CLI.
 */
export const tokenCommandSchemas = [
  z.object({ command: z.literal('token-create'), program: z.string().min(1), name: z.string(), scopes: z.array(z.string()) }),
  z.object({ command: z.literal('token-revoke'), program: z.string().min(1), token: z.string().min(1).max(200) }),
  z.object({ command: z.literal('token-list'), program: z.string().min(1) }),
] as const;

export type TokenCommand = z.infer<(typeof tokenCommandSchemas)[number]>;
export type TokenCommandAnswer =
  | { ok: true; id: string; token?: string; scopes?: string[]; tokens?: ApiTokenInfo[] }
  | { ok: false; error: string; fields?: Record<string, string> };

/** Runs a token command; expected refusals come back as answers, anything else throws. */
export async function runTokenCommand(db: Db, command: TokenCommand): Promise<TokenCommandAnswer> {
  const program = await loadProgram(db, { slug: command.program });
  if (!program) {
    const slugs = (await db.selectFrom('programs').select('slug').orderBy('slug').execute()).map((p) => p.slug);
    return { ok: false, error: `No program "${command.program}". Programs: ${slugs.join(', ') || 'none'}.` };
  }
  switch (command.command) {
    case 'token-create':
      try {
        // Created by the operator at the command line: no staff member to record.
        const created = await createApiToken(db, { programId: program.id, input: { name: command.name, scopes: command.scopes }, createdBy: null });
        return { ok: true, id: created.id, token: created.token, scopes: created.scopes };
      } catch (err) {
        if (err instanceof ValidationError) return { ok: false, error: err.message, fields: err.fields };
        if (err instanceof AppError) return { ok: false, error: err.message };
        throw err;
      }
    case 'token-revoke': {
      const revoked = await revokeApiToken(db, { programId: program.id, idOrName: command.token, revokedBy: null });
      return revoked ? { ok: true, id: revoked.id } : { ok: false, error: `No live token "${command.token}" in program ${program.slug} (see embargo token list).` };
    }
    case 'token-list':
      return { ok: true, id: program.id, tokens: await listApiTokens(db, [program.id]) };
  }
}
