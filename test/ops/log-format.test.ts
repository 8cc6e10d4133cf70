import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { cleanEnv, onTerminal, repoRoot } from '../helpers/embargo-process.ts';

// EMBARGO_LOG_FORMAT=auto (the default): readable lines when a person watches a terminal, JSON lines
// for log collectors otherwise. The terminal is a real pseudo-terminal (util-linux `script`).
const snippet = `import('./src/logger.ts').then(({ createLogger }) => {
  const log = createLogger('info', undefined, process.env.FORMAT);
  log.info({ reference: 'EMB-2026-0001' }, 'report submitted');
  setTimeout(() => {}, 700); // the readable format writes through a worker thread: let it flush
});`;

function run(terminal: boolean, format = 'auto'): Promise<string> {
  const node = [process.execPath, '--import', 'tsx', '-e', snippet];
  const [cmd, ...args] = terminal ? onTerminal(node) : node;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, args, { cwd: repoRoot, env: { ...cleanEnv(), FORMAT: format }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`))));
  });
}

describe('log format', () => {
  it('writes readable lines on a terminal', async () => {
    const out = await run(true);
    assert.match(out, /INFO/);
    assert.match(out, /report submitted/);
    assert.doesNotMatch(out, /"level":30/, 'not JSON on a terminal');
  });

  it('writes JSON lines when the output is not a terminal, and when told to on a terminal', async () => {
    for (const out of [await run(false), await run(true, 'json')]) {
      const line = JSON.parse(out.trim().split(/\r?\n/).find((l) => l.includes('report submitted'))!);
      assert.equal(line.level, 30);
      assert.equal(line.msg, 'report submitted');
      assert.equal(line.reference, 'EMB-2026-0001');
    }
  });
});
