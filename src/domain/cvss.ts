import { scoreCvss } from './cvss-score.ts';
import type { CvssVersion } from './cvss-metrics.ts';

export type { CvssVersion };
export type CvssCheck = { ok: true; version: CvssVersion; score: number } | { ok: false; message: string };

/**
 * Validates a CVSS 3.1 or 4.0 vector strictly (known metrics and values, no
 * repeats, every base metric present) and computes its score: the base score
 * for 3.1, the CVSS 4.0 score for 4.0. The report form uses it for the
 * reporter's suggestion; `scoreCvss` in cvss-score.ts gives every score.
 */
export function checkCvssVector(vector: string): CvssCheck {
  const result = scoreCvss(vector);
  if (!result.ok) return result;
  const s = result.value;
  return { ok: true, version: s.version, score: s.version === '3.1' ? s.base : s.score };
}
