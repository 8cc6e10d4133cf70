import { ROLE_LABELS, STATUS_LABELS } from './parties.ts';
import type { PartyRole, PartyStatus } from '../db/coordination-tables.ts';

const label = (data: Record<string, unknown>) => `party ${String(data.number ?? '?')} (${(ROLE_LABELS[data.role as PartyRole] ?? 'party').toLowerCase()})`;
const Label = (data: Record<string, unknown>) => label(data).replace(/^p/, 'P');

/** Timeline sentences of the coordination events (src/coordination/). Parties are named by number: their names are sealed. */
export function describeCoordinationEvent(type: string, data: Record<string, unknown>, who: string, audience: 'staff' | 'reporter'): string | undefined {
  switch (type) {
    case 'party-invited':
      return `${who} invited ${label(data)} into this report.`;
    case 'party-revoked':
      return `${who} revoked ${label(data)}: its link no longer works.`;
    case 'party-opened':
      return `${Label(data)} opened its page for the first time.`;
    case 'party-message-shared':
      return `${who} shared ${data.kind === 'thread' ? 'a message of the thread' : 'a message'} with ${label(data)}.`;
    case 'party-posted':
      return `${Label(data)} wrote to the team.`;
    case 'party-status-set':
      return `${Label(data)} set its status: ${STATUS_LABELS[data.status as PartyStatus] ?? String(data.status)}${typeof data.fixDate === 'string' ? `, fix expected ${data.fixDate}` : ''}.`;
    case 'party-disclosure-answered':
      return `${Label(data)} ${data.answer === 'accepted' ? 'accepted' : 'proposed'} the disclosure date ${typeof data.at === 'string' ? `${data.at.slice(0, 16).replace('T', ' ')} UTC` : ''}.`;
    case 'reporter-naming-changed':
      return audience === 'reporter'
        ? data.named ? 'You agreed to be named to the other parties.' : 'You chose not to be named to the other parties.'
        : data.named ? 'The reporter agreed to be named to the invited parties.' : 'The reporter chose not to be named to the invited parties.';
    default:
      return undefined;
  }
}
