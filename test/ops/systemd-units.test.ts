import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/embargo-process.ts';

describe('the systemd units in docs/deploy/', () => {
  it('pass systemd-analyze verify without a single warning', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'embargo-units-'));
    try {
      const units: string[] = [];
      for (const file of readdirSync(path.join(repoRoot, 'docs/deploy')).filter((f) => f.endsWith('.service'))) {
        // A template (name@.service) is verified as one of its instances.
        const name = file.replace('@.service', '@1.service');
        copyFileSync(path.join(repoRoot, 'docs/deploy', file), path.join(dir, name));
        units.push(path.join(dir, name));
      }
      assert.deepEqual(units.map((u) => path.basename(u)).sort(), ['embargo-web@1.service', 'embargo-worker@1.service', 'embargo.service']);
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...units], { encoding: 'utf8' });
      assert.equal(r.error, undefined, 'systemd-analyze runs (Debian package systemd)');
      assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'no warnings');
      assert.equal(r.status, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
