import type { Migration } from 'kysely/migration';
import * as initial from './2026-11-23T1300-initial.ts';
import * as programKeys from './2026-11-23T1400-program-keys.ts';
import * as policyEditingAndCredit from './2026-11-23T1410-policy-editing-and-credit.ts';
import * as triage from './2026-11-23T1500-triage.ts';
import * as apiTokens from './2026-11-23T1510-api-tokens.ts';
import * as mail from './2026-11-23T1520-mail.ts';
import * as clientEncryption from './2026-11-23T1530-client-encryption.ts';
import * as severity from './2026-11-23T1540-severity.ts';
import * as cannedResponses from './2026-11-23T1550-canned-responses.ts';
import * as spamQuarantine from './2026-11-23T1560-spam-quarantine.ts';
import * as duplicateSuggestions from './2026-11-23T1570-duplicate-suggestions.ts';
import * as watchers from './2026-11-23T1580-watchers.ts';
import * as ssvc from './2026-11-23T1590-ssvc.ts';
import * as advisories from './2026-11-23T1600-advisories.ts';
import * as subscriptions from './2026-11-23T1610-subscriptions.ts';
import * as disclosureDate from './2026-11-23T1620-disclosure-date.ts';
import * as sealMailAddresses from './2026-11-23T1630-seal-mail-addresses.ts';
import * as staffSecondFactor from './2026-11-23T1640-staff-second-factor.ts';
import * as reporterPrivacy from './2026-11-23T1650-reporter-privacy.ts';
import * as sealEventTexts from './2026-12-02T0730-seal-event-texts.ts';

import * as jobRetryBudgets from './2026-12-02T0740-job-retry-budgets.ts';
import * as jobStatusIndex from './2026-12-02T0740-job-status-index.ts';
import * as forgetClearRateLimitKeys from './2026-12-02T0750-forget-clear-rate-limit-keys.ts';
import * as staffAccounts from './2026-12-02T0810-staff-accounts.ts';
import * as sealReporterKeys from './2026-12-02T0730-seal-reporter-keys.ts';
import * as workerHeartbeats from './2026-12-02T0820-worker-heartbeats.ts';
import * as sealInboundDigests from './2026-12-02T0730-seal-inbound-digests.ts';
import * as jobClaims from './2026-12-02T0830-job-claims.ts';
import * as recoverTrackingLink from './2026-12-02T0840-recover-tracking-link.ts';
import * as teamNotices from './2026-12-02T1100-team-notices.ts';
import * as inboxSortIndexes from './2026-12-02T1120-inbox-sort-indexes.ts';
import * as blockListExpiry from './2026-12-02T1121-block-list-expiry.ts';
import * as mailEvidenceAndEmailPolicy from './2026-12-02T1130-mail-evidence-and-email-policy.ts';
import * as staffSso from './2026-12-02T1210-staff-sso.ts';
import * as staffPasskeys from './2026-12-02T1215-staff-passkeys.ts';
import * as auditLog from './2026-12-02T1220-audit-log.ts';
import * as twoPersonRule from './2026-12-02T1225-two-person-rule.ts';
import * as craReporting from './2026-12-02T1230-cra-reporting.ts';
import * as webhooks from './2026-12-02T1240-webhooks.ts';
import * as issueTrackers from './2026-12-02T1245-issue-trackers.ts';
import * as coordination from './2026-12-02T1300-coordination.ts';
import * as secondCvssVector from './2026-12-02T1250-second-cvss-vector.ts';
import * as restrictedReports from './2026-12-03T0200-restricted-reports.ts';
import * as inboxCountIndex from './2026-12-02T1200-inbox-count-index.ts';
import * as inboxCountIndexes from './2026-12-02T1201-inbox-count-indexes.ts';
import * as languages from './2026-12-03T0100-languages.ts';
import * as earlyNotices from './2026-12-03T0400-early-notices.ts';
import * as staffIncidentRecords from './2026-12-03T1000-staff-incident-records.ts';
import * as programKeyUnlockCheck from './2026-12-03T1100-program-key-unlock-check.ts';
import * as approvalClaims from './2026-12-03T0900-approval-claims.ts';
/** Every migration, by name; names sort in the order they run. Add new ones at the end. */
export const migrations: Record<string, Migration> = {
  '2026-11-23T1300-initial': initial,
  '2026-11-23T1400-program-keys': programKeys,
  '2026-11-23T1410-policy-editing-and-credit': policyEditingAndCredit,
  '2026-11-23T1500-triage': triage,
  '2026-11-23T1510-api-tokens': apiTokens,
  '2026-11-23T1520-mail': mail,
  '2026-11-23T1530-client-encryption': clientEncryption,
  '2026-11-23T1540-severity': severity,
  '2026-11-23T1550-canned-responses': cannedResponses,
  '2026-11-23T1560-spam-quarantine': spamQuarantine,
  '2026-11-23T1570-duplicate-suggestions': duplicateSuggestions,
  '2026-11-23T1580-watchers': watchers,
  '2026-11-23T1590-ssvc': ssvc,
  '2026-11-23T1600-advisories': advisories,
  '2026-11-23T1610-subscriptions': subscriptions,
  '2026-11-23T1620-disclosure-date': disclosureDate,
  '2026-11-23T1630-seal-mail-addresses': sealMailAddresses,
  '2026-11-23T1640-staff-second-factor': staffSecondFactor,
  '2026-11-23T1650-reporter-privacy': reporterPrivacy,
  '2026-12-02T0730-seal-event-texts': sealEventTexts,
  '2026-12-02T0740-job-retry-budgets': jobRetryBudgets,
  '2026-12-02T0740-job-status-index': jobStatusIndex,
  '2026-12-02T0750-forget-clear-rate-limit-keys': forgetClearRateLimitKeys,
  '2026-12-02T0810-staff-accounts': staffAccounts,
  '2026-12-02T0730-seal-reporter-keys': sealReporterKeys,
  '2026-12-02T0820-worker-heartbeats': workerHeartbeats,
  '2026-12-02T0730-seal-inbound-digests': sealInboundDigests,
  '2026-12-02T0830-job-claims': jobClaims,
  '2026-12-02T0840-recover-tracking-link': recoverTrackingLink,
  '2026-12-02T1100-team-notices': teamNotices,
  '2026-12-02T1130-mail-evidence-and-email-policy': mailEvidenceAndEmailPolicy,
  '2026-12-02T1120-inbox-sort-indexes': inboxSortIndexes,
  '2026-12-02T1121-block-list-expiry': blockListExpiry,
  '2026-12-02T1210-staff-sso': staffSso,
  '2026-12-02T1215-staff-passkeys': staffPasskeys,
  '2026-12-02T1220-audit-log': auditLog,
  '2026-12-02T1225-two-person-rule': twoPersonRule,
  '2026-12-02T1230-cra-reporting': craReporting,
  '2026-12-02T1240-webhooks': webhooks,
  '2026-12-02T1245-issue-trackers': issueTrackers,
  '2026-12-02T1200-inbox-count-index': inboxCountIndex,
  '2026-12-02T1300-coordination': coordination,
  '2026-12-02T1250-second-cvss-vector': secondCvssVector,
  '2026-12-02T1201-inbox-count-indexes': inboxCountIndexes,
  '2026-12-03T0100-languages': languages,
  '2026-12-03T0200-restricted-reports': restrictedReports,
  '2026-12-03T0400-early-notices': earlyNotices,
  '2026-12-03T0900-approval-claims': approvalClaims,
  '2026-12-03T1000-staff-incident-records': staffIncidentRecords,
  '2026-12-03T1100-program-key-unlock-check': programKeyUnlockCheck,
};
