/**
 * Precision and recall of duplicate suggestions on a realistic week of
 * reports (test/fixtures/duplicate-reports.ts): npm run bench:duplicates.
 * Prints the numbers, every wrong hint and every missed duplicate.
 */
import { freshDatabase } from '../test/helpers/databases.ts';
import { testSecret, testVault } from '../test/helpers/factories.ts';
import { isLikelyDuplicate } from '../src/triage/duplicate-suggestions.ts';
import { describeMeasurement, measureDuplicateSuggestions } from '../test/helpers/duplicate-precision.ts';

const t = await freshDatabase('pglite');
try {
  const m = await measureDuplicateSuggestions(t.db, testVault, testSecret, isLikelyDuplicate);
  console.log(describeMeasurement(m));
  console.log(`wrong hints: ${m.wrong.join(', ') || 'none'}`);
  console.log(`wrong on the report page: ${m.page.wrong.join(', ') || 'none'}`);
  console.log(`missed duplicates: ${m.missed.join(', ') || 'none'}`);
} finally {
  await t.close();
}
