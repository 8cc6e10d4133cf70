import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { runCli } from '../helpers/embargo-process.ts';

describe('embargo init --example', () => {
  it('writes a config the server accepts, refuses to overwrite, and names the examples', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'embargo-init-'));
    try {
      const target = path.join(dir, 'embargo.config.json');
      const ok = await runCli(['init', '--example', 'fraud-platform'], { EMBARGO_CONFIG: target });
      assert.equal(ok.code, 0, ok.stderr);
      const config = loadConfig({ EMBARGO_CONFIG: target }, dir);
      assert.equal(config.programs[0]!.slug, 'vigila');
      assert.equal(config.programs[0]!.sla.firstResponseBusinessDays, 1);

      const again = await runCli(['init', '--example', 'gateway-vendor'], { EMBARGO_CONFIG: target });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists; pass --force/);
      assert.equal(JSON.parse(readFileSync(target, 'utf8')).programs[0].slug, 'vigila');

      const forced = await runCli(['init', '--example', 'gateway-vendor', '--force'], { EMBARGO_CONFIG: target });
      assert.equal(forced.code, 0);
      assert.equal(loadConfig({ EMBARGO_CONFIG: target }, dir).programs[0]!.slug, 'nordlys');

      const unknown = await runCli(['init', '--example', 'nope'], { EMBARGO_CONFIG: target });
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /Available: fraud-platform, gateway-vendor, several-programs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
