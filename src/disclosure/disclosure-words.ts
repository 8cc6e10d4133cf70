import { formatDisclosureMoment } from './disclosure-rules.ts';
import type { Translator } from '../i18n/translator.ts';

/** The event types of the disclosure date. */
export const DISCLOSURE_EVENT_TYPES: readonly string[] = ['disclosure-date-proposed', 'disclosure-date-agreed'];

export const isDisclosureEvent = (type: string): boolean => DISCLOSURE_EVENT_TYPES.includes(type);

function momentOf(data: Record<string, unknown>): string {
  return typeof data.at === 'string' && typeof data.timeZone === 'string' ? formatDisclosureMoment(new Date(data.at), data.timeZone) : 'an unknown date';
}

/**
 * The timeline sentence of a disclosure event. `who` is the staff member's
 * name (staff view) or "The security team" (reporter view); the reporter's own
 * actions read "The reporter" to staff and "You" to the reporter.
 */
export function describeDisclosureEvent(type: string, data: Record<string, unknown>, audience: 'staff' | 'reporter', who: string): string | undefined {
  const actor = data.by === 'reporter' ? (audience === 'staff' ? 'The reporter' : 'You') : who;
  const when = momentOf(data);
  if (type === 'disclosure-date-agreed') return `${actor} agreed to disclose publicly on ${when}. The disclosure date is agreed.`;
  if (type === 'disclosure-date-proposed') {
    const change = data.previous ? (data.later ? ' (later than before)' : ' (changed)') : '';
    return `${actor} proposed to disclose publicly on ${when}${change}.`;
  }
  return undefined;
}

/** disclosureMailWords in the reporter's language: the moment in their language's format, in the zone the date was given in. */
export function disclosureMailWordsIn(tr: Translator, type: string, data: Record<string, unknown>): { what: string; detail: string } | undefined {
  const date = typeof data.at === 'string' && typeof data.timeZone === 'string' ? tr.dateTime(new Date(data.at), data.timeZone) : tr.t('mail.disclosure.unknownDate');
  if (type === 'disclosure-date-proposed') return { what: tr.t('mail.disclosure.proposed'), detail: tr.t('mail.disclosure.proposedDetail', { date }) };
  if (type === 'disclosure-date-agreed') return { what: tr.t('mail.disclosure.agreed'), detail: tr.t('mail.disclosure.agreedDetail', { date }) };
  return undefined;
}

/** What the reporter's update mail says about a disclosure event by the team: a headline, and the date when details may travel. */
export function disclosureMailWords(type: string, data: Record<string, unknown>): { what: string; detail: string } | undefined {
  if (type === 'disclosure-date-proposed') {
    return {
      what: 'The security team proposed a public disclosure date.',
      detail: `Proposed disclosure date: ${momentOf(data)}. Agree to it, or propose another date, on your tracking page.`,
    };
  }
  if (type === 'disclosure-date-agreed') {
    return { what: 'The public disclosure date is agreed.', detail: `Agreed disclosure date: ${momentOf(data)}.` };
  }
  return undefined;
}
