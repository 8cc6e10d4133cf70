import type { Transaction } from 'kysely';
import type { DataKey, ReportVault } from '../crypto/report-vault.ts';
import type { Database } from '../db/schema.ts';
import { eventDataWithText, sealEventText, splitLegacyText } from '../reports/event-text.ts';
import { openEvaluation, openMessageBody, sealEvaluation, sealMessageBody } from '../reports/report-contents.ts';

export const ERASED = '[erased]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The text with every whole-word occurrence of the given names, handles and
 * addresses replaced by "[erased]", ignoring case. Whole words only, so a
 * short handle does not eat parts of other words. Pure.
 */
export function redactIdentity(text: string, identity: readonly (string | null | undefined)[]): string {
  const values = [...new Set(identity.map((v) => v?.trim() ?? '').filter((v) => v.length > 0))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return text;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${values.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  return text.replace(pattern, ERASED);
}

/**
 * Takes the reporter's name, handle and address out of what the team wrote
 * about the report: event texts (closing notes filled from canned responses
 * greet the reporter by name), the team's thread messages and the evaluation.
 * The reporter's own messages are their account of the vulnerability and stay.
 * Returns how many texts changed.
 */
export async function redactIdentityFromTeamTexts(
  trx: Transaction<Database>,
  vault: ReportVault,
  key: DataKey,
  reportId: string,
  identity: readonly (string | null | undefined)[],
): Promise<number> {
  let changed = 0;
  const events = await trx.selectFrom('report_events').select(['id', 'data', 'text_sealed']).where('report_id', '=', reportId).execute();
  for (const e of events) {
    // A row of an earlier version not yet sealed on start holds its reason in data: sealed here too.
    const { text, rest } = splitLegacyText(eventDataWithText(vault, key, e));
    if (!e.text_sealed && Object.keys(text).length === 0) continue;
    const redacted = { ...text, ...(text.reason === undefined ? {} : { reason: redactIdentity(text.reason, identity) }) };
    if (e.text_sealed && redacted.reason === text.reason) continue;
    await trx.updateTable('report_events').set({ data: JSON.stringify(rest), text_sealed: sealEventText(vault, key, e.id, redacted) }).where('id', '=', e.id).execute();
    changed++;
  }
  const messages = await trx.selectFrom('report_messages').select(['id', 'body_sealed']).where('report_id', '=', reportId).where('author_kind', '=', 'staff').execute();
  for (const m of messages) {
    const body = openMessageBody(vault, key, m.id, m.body_sealed);
    const redacted = redactIdentity(body, identity);
    if (redacted === body) continue;
    await trx.updateTable('report_messages').set({ body_sealed: sealMessageBody(vault, key, m.id, redacted) }).where('id', '=', m.id).execute();
    changed++;
  }
  const report = await trx.selectFrom('reports').select(['id', 'data_key', 'evaluation_sealed']).where('id', '=', reportId).executeTakeFirstOrThrow();
  const evaluation = openEvaluation(vault, report);
  if (evaluation !== null) {
    const redacted = redactIdentity(evaluation, identity);
    if (redacted !== evaluation) {
      await trx.updateTable('reports').set({ evaluation_sealed: sealEvaluation(vault, key, redacted) }).where('id', '=', reportId).execute();
      changed++;
    }
  }
  return changed;
}
