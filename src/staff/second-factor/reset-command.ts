import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { resetSecondFactor } from './second-factors.ts';

/** `embargo user reset-second-factor` as an admin command (admin socket or direct database). */
export const resetSecondFactorCommandSchema = z.object({
  command: z.literal('user-reset-second-factor'),
  email: z.string().trim().min(1).max(320),
});
export type ResetSecondFactorCommand = z.infer<typeof resetSecondFactorCommandSchema>;

/** Runs the reset; an unknown e-mail is an answer, not an exception. */
export async function runResetSecondFactorCommand(db: Db, command: ResetSecondFactorCommand): Promise<{ ok: true; id: string; hadSecondFactor: boolean } | { ok: false; error: string }> {
  const reset = await resetSecondFactor(db, command.email);
  if (!reset) return { ok: false, error: `No staff account with the e-mail ${command.email}.` };
  return { ok: true, id: reset.userId, hadSecondFactor: reset.hadSecondFactor };
}
