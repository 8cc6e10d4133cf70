import { findCwe } from '../../triage/cwe.ts';
import { formatLocalDate } from '../../triage/resolution-date.ts';

/**
 * Timeline sentences for the triage events. Only resolution-date-changed is
 * reporter-visible; the others are written for staff (the duplicate's original
 * is named only to them).
 */
export function describeTriageEvent(type: string, data: Record<string, unknown>, who: string): string | undefined {
  switch (type) {
    case 'severity-set':
      return data.vector ? `${who} set the severity: ${String(data.score)} ${String(data.severity)} (${String(data.vector)}).` : `${who} cleared the severity.`;
    case 'credit-changed':
      if (typeof data.creditWithOriginal === 'boolean') return data.creditWithOriginal ? `${who} chose to credit this duplicate reporter as well.` : `${who} stopped crediting this duplicate reporter.`;
      return `${who} changed how the reporter is credited: ${String(data.from)} → ${String(data.to)}.`;
    case 'ssvc-set':
      return `${who} set the SSVC priority: ${String(data.priority)} (exploitation ${String(data.exploitation)}, utility ${String(data.utility)}, technical impact ${String(data.technicalImpact)}, public safety ${String(data.publicSafetyImpact)}).`;
    case 'cwe-set':
      return data.to ? `${who} set the weakness: ${findCwe(Number(data.to))?.label ?? `CWE-${String(data.to)}`}.` : `${who} cleared the weakness.`;
    case 'evaluation-sent':
      return `${who} sent the evaluation, expecting resolution by ${typeof data.expectedResolutionDate === 'string' ? formatLocalDate(data.expectedResolutionDate) : '?'}.`;
    case 'resolution-date-changed':
      return `${who} changed the expected resolution date from ${formatLocalDate(String(data.from))} to ${formatLocalDate(String(data.to))}.`;
    case 'duplicate-marked':
      return `${who} marked this report as a duplicate of ${String(data.originalReference)}.`;
    case 'advisory-published':
      return Number(data.revision) > 1
        ? `${who} published revision ${String(data.revision)} of advisory ${String(data.advisoryId)}.`
        : `${who} published advisory ${String(data.advisoryId)}.`;
    case 'reporter-data-erased':
      return 'The reporter’s personal data (name, handle, e-mail, OpenPGP key, mail addresses) was erased; the report itself is kept.';
    case 'quarantined':
      return `Quarantined on arrival as possible spam (${Array.isArray(data.reasons) ? data.reasons.join(', ') : '?'}).`;
    case 'quarantine-released':
      return `${who} released the report from the quarantine.`;
    case 'sender-blocked':
      return `${who} blocked the sender (${[data.email ? 'e-mail address' : '', data.ip ? `IP address${typeof data.ipDays === 'number' ? ` for ${data.ipDays} ${data.ipDays === 1 ? 'day' : 'days'}` : ''}` : ''].filter(Boolean).join(' and ') || 'nothing to block'}).`;
    case 'approval-requested':
    case 'approval-granted':
    case 'approval-declined': {
      // The two-person rule (src/approvals/).
      const what = data.action === 'close-spam' ? 'closing it as spam' : data.action === 'publish-advisory' ? 'publishing its advisory' : 'closing it as not applicable';
      if (type === 'approval-requested') return `${who} asked for a second person’s approval of ${what} (two-person rule).`;
      return type === 'approval-granted' ? `${who} approved ${what}.` : `${who} declined ${what}; nothing was changed.`;
    }
    // Restricted reports (src/reports/restrict-report.ts): ids in the data; who is named now is in the Access group.
    case 'access-restricted':
      return `${who} restricted the report to named staff (${Array.isArray(data.staffIds) ? data.staffIds.length : '?'} people).`;
    case 'access-changed':
      return `${who} changed who may read the report (${Array.isArray(data.added) ? data.added.length : 0} added, ${Array.isArray(data.removed) ? data.removed.length : 0} removed).`;
    case 'access-lifted':
      return `${who} lifted the restriction: every member of the program can read the report.`;
    case 'access-self-granted':
      return `${who}, an administrator not named on the report, added themselves. Reason: ${typeof data.reason === 'string' ? data.reason : 'not recorded'}`;
    case 'sender-unblocked':
      return `${who} removed the sender’s ${data.kind === 'ip' ? 'IP address' : 'e-mail address'} from the block list.`;
    default:
      return undefined;
  }
}
