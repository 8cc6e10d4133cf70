// A node:test reporter that prints, at the end of a run, the slowest test files by the summed
// duration of their top-level tests, and writes every file's time to EMBARGO_TEST_TIMES_OUT (JSON),
// which scripts/test.mjs uses to start the slowest files first in the next run (docs/development.md).
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export default async function* fileTimes(source) {
  const perFile = new Map();
  for await (const event of source) {
    if ((event.type !== 'test:pass' && event.type !== 'test:fail') || event.data.nesting !== 0) continue;
    const file = event.data.file ?? event.data.name;
    perFile.set(file, (perFile.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
  }
  const rows = [...perFile].map(([file, ms]) => [path.relative(process.cwd(), file), ms]).sort((a, b) => b[1] - a[1]);
  if (process.env.EMBARGO_TEST_TIMES_OUT) {
    writeFileSync(process.env.EMBARGO_TEST_TIMES_OUT, JSON.stringify(Object.fromEntries(rows.map(([f, ms]) => [f, Math.round(ms / 100) / 10])), null, 2) + '\n');
  }
  const total = rows.reduce((s, [, ms]) => s + ms, 0);
  yield `\nslowest test files (top-level test time, ${Math.round(total / 1000)} s summed over ${rows.length} files):\n`;
  for (const [file, ms] of rows.slice(0, 30)) yield `${(ms / 1000).toFixed(1).padStart(8)} s  ${file}\n`;
}
