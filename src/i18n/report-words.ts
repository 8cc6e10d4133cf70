import type { ReportState } from '../domain/lifecycle.ts';
import type { MessageKey } from './catalogues.ts';
import type { Translator } from './translator.ts';

/** A report state's name in the reader's language (staff pages keep STATE_LABELS in src/domain/lifecycle.ts). */
export function stateLabelIn(tr: Translator, state: ReportState): string {
  return tr.t(`state.${state}` as MessageKey);
}

/** What the state means, true to what happened (as stateExplanation in src/domain/lifecycle.ts), in the reader's language. */
export function stateExplanationIn(tr: Translator, state: ReportState, evaluationSent: boolean): string {
  if (state === 'acknowledged' && !evaluationSent) return tr.t('stateExplanation.acknowledgedNoEvaluation');
  return tr.t(`stateExplanation.${state}` as MessageKey);
}
