import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { InvalidTransitionError } from '../errors.ts';
import { RAW_MAIL_PURPOSE } from '../mail-intake/store-inbound.ts';
import { seal } from '../mail/seal.ts';
import { lockReportState } from '../reports/report-actions.ts';
import { recordEvent, type EventActor } from '../reports/record-event.ts';
import { openReporter, reportKey, sealReporter } from '../reports/report-contents.ts';
import { redactIdentityFromTeamTexts } from './redact-identity.ts';
import { removeDraftCredits } from '../advisories/advisory-store.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';

/**
 * Erases a reporter's personal data from one report (GDPR art. 17) and keeps
 * the vulnerability record: the report's text, thread, attachments, dates and
 * decisions stay, since the team needs them to fix and to account for the fix.
 * Gone: name, handle and e-mail (also where the team's words quote them: event
 * texts, the team's messages, the evaluation), their OpenPGP key, the recipients of mail sent
 * to them, the sender and raw copy of mail received from them, the keyed hash
 * of their IP, and their credit, also from an unpublished advisory's draft (an
 * advisory already published keeps its credits; that is a revision for the team). Without an address Embargo can no
 * longer write to them: the tracking link keeps working.
 */
export async function eraseReporterData(
  db: Db,
  vault: ReportVault,
  secret: InstanceSecret,
  args: { reportId: string; actor: Extract<EventActor, { kind: 'reporter' } | { kind: 'staff' }>; now?: Date },
): Promise<void> {
  const now = args.now ?? new Date();
  await db.transaction().execute(async (trx) => {
    const report = await lockReportState(trx, args.reportId);
    if (report.reporter_erased_at) throw new InvalidTransitionError('The reporter’s personal data was already erased.');
    const keyRow = await trx.selectFrom('reports').select(['id', 'data_key', 'reporter_sealed']).where('id', '=', report.id).executeTakeFirstOrThrow();
    // A draft advisory written before keeps its credits sealed: take the reporter's names out of it too.
    const former = openReporter(vault, keyRow);
    await removeDraftCredits(trx, vault, report.id, [former.name ?? '', former.handle ?? '']);
    // Closing notes and replies filled from canned responses greet the reporter by name.
    await redactIdentityFromTeamTexts(trx, vault, reportKey(vault, keyRow), report.id, [former.name, former.handle, former.email]);
    await trx
      .updateTable('reports')
      .set({
        reporter_sealed: sealReporter(vault, keyRow, { name: null, handle: null, email: null }),
        credit_preference: 'none',
        credit_with_original: false,
        submitter_ip_hash: null,
        reporter_erased_at: now,
      })
      .where('id', '=', report.id)
      .execute();
    await trx.deleteFrom('reporter_keys').where('report_id', '=', report.id).execute();
    await trx.updateTable('mail_deliveries').set({ to_address: null, to_address_sealed: null, to_address_hash: null, smtp_response: null }).where('report_id', '=', report.id).execute();
    const mails = await trx.selectFrom('inbound_mails').select('id').where('report_id', '=', report.id).execute();
    for (const m of mails) {
      // The raw mail's headers and signature identify the sender; its content is already in the report's thread.
      const marker = Buffer.from(`The reporter's personal data was erased on ${now.toISOString()}; the mail's content is in the report's thread.\r\n`);
      await trx
        .updateTable('inbound_mails')
        .set({ envelope_from: null, envelope_from_sealed: null, raw_sealed: seal(secret, RAW_MAIL_PURPOSE, m.id, marker), signer_fingerprint: null, signer_fingerprint_sealed: null, signer_user_ids_sealed: null })
        .where('id', '=', m.id)
        .execute();
    }
    await recordEvent(trx, { reportId: report.id, actor: args.actor, type: 'reporter-data-erased', reporterVisible: true });
  });
}
