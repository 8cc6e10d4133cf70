import { sql } from 'kysely';
import type { DataKey, ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { sealReporterKey } from '../mail/reporter-keys.ts';
import { eventDataWithText, sealEventText, splitLegacyText } from './event-text.ts';
import { reportKey, sealAttachmentDigest } from './report-contents.ts';

const BATCH = 500;

/**
 * Seals what rows written before 2026-12-02T0730 keep in clear: the words in
 * an event's data (a state change's or resolution date's reason, closing
 * notes), attachments' SHA-256 digests and reporters' OpenPGP keys (their
 * user IDs name the reporter; the fingerprint is dropped with them). Runs on every start; a migration
 * cannot do it, since it needs the instance secret. Each batch is one
 * transaction, so a crash leaves every row either sealed or still in clear,
 * never without its text. Returns the count of rows sealed.
 */
export async function sealLegacyReportTexts(db: Db, vault: ReportVault): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await db.transaction().execute(async (trx) => {
      const keys = new Map<string, DataKey>();
      const keyOf = async (reportId: string) => {
        let key = keys.get(reportId);
        if (!key) {
          key = reportKey(vault, await trx.selectFrom('reports').select(['id', 'data_key']).where('id', '=', reportId).executeTakeFirstOrThrow());
          keys.set(reportId, key);
        }
        return key;
      };
      // The same predicate as the partial index report_events_unsealed, so a sealed database reads nothing.
      const events = await trx.selectFrom('report_events').select(['id', 'report_id', 'data', 'text_sealed']).where(sql<boolean>`data ? 'reason'`).limit(BATCH).forUpdate().execute();
      for (const e of events) {
        const key = await keyOf(e.report_id);
        // Text sealed already (none is expected) is kept, the legacy clear words are added to it.
        const { text, rest } = splitLegacyText(eventDataWithText(vault, key, e));
        await trx
          .updateTable('report_events')
          .set({ data: JSON.stringify(rest), text_sealed: sealEventText(vault, key, e.id, text) })
          .where('id', '=', e.id)
          .execute();
      }
      const files = await trx.selectFrom('report_attachments').select(['id', 'report_id', 'sha256']).where('sha256', 'is not', null).limit(BATCH).forUpdate().execute();
      for (const f of files) {
        await trx
          .updateTable('report_attachments')
          .set({ sha256_sealed: sealAttachmentDigest(vault, await keyOf(f.report_id), f.id, f.sha256!), sha256: null })
          .where('id', '=', f.id)
          .execute();
      }
      const reporterKeys = await trx.selectFrom('reporter_keys').select(['report_id', 'public_key_armored']).where('public_key_armored', 'is not', null).limit(BATCH).forUpdate().execute();
      for (const k of reporterKeys) {
        await trx
          .updateTable('reporter_keys')
          .set({ key_sealed: sealReporterKey(vault, await keyOf(k.report_id), k.public_key_armored!), public_key_armored: null, fingerprint: null })
          .where('report_id', '=', k.report_id)
          .execute();
      }
      return events.length + files.length + reporterKeys.length;
    });
    total += sealed;
    if (sealed === 0) return total;
  }
}
