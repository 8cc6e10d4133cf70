import type * as openpgp from 'openpgp';
import { openpgpLib } from '../keys/openpgp-lib.ts';
import type { StaffActor } from '../auth/policies.ts';
import { can } from '../auth/policies.ts';
import type { ReportVault } from '../crypto/report-vault.ts';
import type { Db } from '../db/database.ts';
import { storedReporterKey } from '../mail/reporter-keys.ts';
import type { InstanceSecret } from '../secrets/instance-secret.ts';
import { mailEvidence, type MailEvidence } from './evidence.ts';

/** What the report page's mail evidence panel shows (src/web/views/mail-evidence-panel.tsx). */
export interface MailEvidenceView {
  mails: (MailEvidence & { downloads: { by: string; at: Date }[] })[];
  /** The key on file for the reporter (attached to a mail, or given on the form or the API); null when none. */
  reporterKey: { fingerprint: string; userIds: string[] } | null;
}

/**
 * The mails a report was filed from or joined by, with what the crypto said
 * and who downloaded each original; undefined for a report no mail touched
 * (or one the actor may not see).
 */
export async function loadMailEvidenceView(
  deps: { db: Db; secret: InstanceSecret; vault: ReportVault },
  actor: StaffActor,
  report: { id: string; program_id: string; restricted_to: readonly string[] | null },
): Promise<MailEvidenceView | undefined> {
  if (!can.viewReport(actor, report)) return undefined;
  const mails = await mailEvidence(deps.db, deps.secret, report.id);
  if (mails.length === 0) return undefined;
  const downloads = await deps.db
    .selectFrom('inbound_mail_downloads as d')
    .innerJoin('staff_users as s', 's.id', 'd.staff_id')
    .select(['d.mail_id', 'd.downloaded_at', 's.display_name'])
    .where('d.mail_id', 'in', mails.map((m) => m.id))
    .orderBy('d.downloaded_at')
    .execute();
  return {
    mails: mails.map((m) => ({ ...m, downloads: downloads.filter((d) => d.mail_id === m.id).map((d) => ({ by: d.display_name, at: d.downloaded_at })) })),
    reporterKey: await reporterKeyFacts(deps.db, deps.vault, report.id),
  };
}

/** The fingerprint and user IDs of the reporter's key on file; null when there is none or it cannot be read. */
async function reporterKeyFacts(db: Db, vault: ReportVault, reportId: string): Promise<MailEvidenceView['reporterKey']> {
  const armored = await storedReporterKey(db, vault, reportId);
  if (!armored) return null;
  try {
    const key = await (await openpgpLib()).readKey({ armoredKey: armored });
    return { fingerprint: key.getFingerprint().toLowerCase(), userIds: key.getUserIDs() };
  } catch {
    return null;
  }
}
