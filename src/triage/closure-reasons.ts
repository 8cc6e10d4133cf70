import type { ClosureReason } from '../db/schema.ts';

/** Why a report was closed as not applicable: the label staff pick, and the sentence the reporter is told. */
export const CLOSURE_REASONS: Readonly<Record<ClosureReason, { label: string; toReporter: string }>> = {
  'out-of-scope': { label: 'Out of scope', toReporter: 'Out of scope: what you reported is not covered by our disclosure policy.' },
  'not-a-vulnerability': { label: 'Not a vulnerability', toReporter: 'Not a vulnerability: we concluded that the behaviour you reported is not a security problem.' },
  informative: { label: 'Informative', toReporter: 'Informative: thank you; we have noted this, but it needs no security fix.' },
  'cannot-reproduce': { label: 'Cannot reproduce', toReporter: 'Cannot reproduce: we could not reproduce the problem with the information given.' },
};

export const CLOSURE_REASON_IDS = Object.keys(CLOSURE_REASONS) as [ClosureReason, ...ClosureReason[]];

export function isClosureReason(value: unknown): value is ClosureReason {
  return typeof value === 'string' && Object.hasOwn(CLOSURE_REASONS, value);
}
