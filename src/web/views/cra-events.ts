import { CRA_KIND_LABELS, CRA_STEP_LABELS, type CraKind, type CraStep } from '../../cra/cra-clocks.ts';
import { CRA_CHANNEL_LABELS } from '../../cra/cra-actions.ts';
import type { CraChannel } from '../../db/cra-tables.ts';

const kindOf = (v: unknown): CraKind => (v === 'severe-incident' ? 'severe-incident' : 'exploited-vulnerability');
const at = (v: unknown) => (typeof v === 'string' ? `${v.slice(0, 16).replace('T', ' ')} UTC` : '?');

/** Timeline sentences of the CRA Article 14 events (staff only; never reporter-visible). */
export function describeCraEvent(type: string, data: Record<string, unknown>, who: string): string | undefined {
  const kind = kindOf(data.kind);
  switch (type) {
    case 'cra-marked':
      if (data.correctedFrom) return `${who} corrected when the team became aware of the ${CRA_KIND_LABELS[kind].toLowerCase()}: ${at(data.correctedFrom)} → ${at(data.awareAt)}.`;
      return `${who} marked this report for EU CRA reporting: ${CRA_KIND_LABELS[kind].toLowerCase()}, the team aware since ${at(data.awareAt)}.`;
    case 'cra-measure-available':
      return `${who} recorded that a corrective or mitigating measure was available ${at(data.at)}: the CRA final report is due 14 days later.`;
    case 'cra-submission-recorded': {
      const step = CRA_STEP_LABELS[kind][(data.step as CraStep) ?? 'early-warning'] ?? String(data.step);
      const channel = CRA_CHANNEL_LABELS[data.channel as CraChannel] ?? String(data.channel);
      return `${who} recorded the CRA ${step.toLowerCase()} as submitted ${at(data.submittedAt)} (${channel}${data.reference ? `, reference ${String(data.reference)}` : ''}).`;
    }
    case 'cra-draft-saved':
      return `${who} saved the CRA ${(CRA_STEP_LABELS[kind][(data.step as CraStep) ?? 'early-warning'] ?? String(data.step)).toLowerCase()} draft.`;
    case 'cra-users-informed':
      return `${who} recorded that users were informed ${at(data.at)} (Art. 14(8))${typeof data.reason === 'string' ? `: ${data.reason}` : ''}.`;
    default:
      return undefined;
  }
}
