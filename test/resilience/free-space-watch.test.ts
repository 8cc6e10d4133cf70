import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { freeSpace, watchFreeSpace } from '../../src/db/maintenance.ts';
import { mountSmallDisk, type SmallDisk } from './small-disk.ts';

const MiB = 1024 * 1024;

describe('the free-space watch on the data directory (a real 256 MB tmpfs)', () => {
  let disk: SmallDisk | undefined;
  after(() => disk?.remove());

  it('warns when space runs low, logs an error when it is critical, and says when it is back', async () => {
    disk = mountSmallDisk(256);
    const lines: { level: string; msg: string; freeMiB: number }[] = [];
    const logger = Object.fromEntries(
      (['info', 'warn', 'error'] as const).map((level) => [level, (detail: { freeMiB: number }, msg: string) => lines.push({ level, msg, freeMiB: detail.freeMiB })]),
    ) as unknown as Parameters<typeof watchFreeSpace>[1];
    const watch = watchFreeSpace(disk.dir, logger, { everyMs: 20 });
    const waitFor = async (level: string) => {
      const deadline = Date.now() + 5000;
      while (!lines.some((l) => l.level === level)) {
        assert.ok(Date.now() < deadline, `no ${level} line; got ${JSON.stringify(lines)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      assert.equal((await freeSpace(disk.dir)).level, 'ok');
      disk.fill(48 * MiB);
      await waitFor('warn');
      assert.match(lines.find((l) => l.level === 'warn')!.msg, /low on disk space/);
      disk.fill(16 * MiB);
      await waitFor('error');
      assert.match(lines.find((l) => l.level === 'error')!.msg, /almost out of disk space/);
      assert.ok(lines.find((l) => l.level === 'error')!.freeMiB <= 16);
      disk.release();
      await waitFor('info');
      assert.match(lines.find((l) => l.level === 'info')!.msg, /enough disk space again/);
      // Once per change of level, not once per check.
      assert.equal(lines.filter((l) => l.level === 'warn').length, 1);
      assert.equal(lines.filter((l) => l.level === 'error').length, 1);
    } finally {
      watch.stop();
    }
  });
});
