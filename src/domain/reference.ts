/** EMB-2026-0001: program prefix, year of receipt, number within that year (at least 4 digits). */
export function formatReference(prefix: string, year: number, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(4, '0')}`;
}

export const REFERENCE_PATTERN = /^[A-Z][A-Z0-9]{1,9}-\d{4}-\d{4,}$/;
