import type { ReportState } from '../domain/lifecycle.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A duration as a person reads it, at most two units: "2 days 4 h", "3 h 20 min",
 * "45 min". Business time is shown in business days of `dayMs` (a working day's
 * office hours, 8 h by default), so "1 business day 4 h" is 12 office hours.
 */
export function formatDuration(ms: number, unit: { dayMs: number; day: 'day' | 'business day' } = { dayMs: 24 * HOUR, day: 'day' }): string {
  const total = Math.round(Math.abs(ms) / MINUTE) * MINUTE;
  if (total < MINUTE) return 'less than a minute';
  const days = Math.floor(total / unit.dayMs);
  const hours = Math.floor((total - days * unit.dayMs) / HOUR);
  const minutes = Math.round((total - days * unit.dayMs - hours * HOUR) / MINUTE);
  if (days > 0) return hours > 0 ? `${plural(days, unit.day)} ${hours} h` : plural(days, unit.day);
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

/** Why a clock was paused, in the words of the sentence "paused 2 h …". */
const PAUSE_REASONS: Partial<Record<ReportState, string>> = {
  'needs-info': 'while waiting on the reporter',
  duplicate: 'while marked as a duplicate',
  'not-applicable': 'while closed as not applicable',
  spam: 'while marked as spam',
  closed: 'while closed',
  disclosed: 'while disclosed',
};

export function pauseReason(state: ReportState): string {
  return PAUSE_REASONS[state] ?? `while ${state}`;
}

/** ", paused 1 business day 4 h while waiting on the reporter" (empty when never paused). */
export function pausePhrase(pausedBy: ReadonlyMap<ReportState, number>, format: (ms: number) => string): string {
  const parts = [...pausedBy].filter(([, ms]) => ms >= MINUTE).map(([state, ms]) => `${format(ms)} ${pauseReason(state)}`);
  return parts.length ? `, paused ${parts.join(' and ')}` : '';
}

/** "3 business days" / "1 day". */
export function targetPhrase(amount: number, unit: 'business-days' | 'days'): string {
  return plural(amount, unit === 'business-days' ? 'business day' : 'day');
}
