// `embargo serve` gives memory back once it falls idle after work (src/ops/heap-compaction.ts, wired in
// src/cli/serve-command.ts): the compiled server on the embedded database, pages rendered until its
// heap grew, then left alone; at debug level it says what it freed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';

const compactions = (server: EmbargoProcess) => server.logLines().filter((l) => l.msg === 'idle: heap compacted');

describe('embargo serve, idle after work', () => {
  let server: EmbargoProcess;
  before(async () => {
    server = await startEmbargo({ env: { EMBARGO_LOG_LEVEL: 'debug' } });
  });
  after(async () => {
    await server?.stop();
    server?.removeFiles();
  });

  it('compacts its heap once the work is over, not during it', async () => {
    // Pages with the policy and the form: each render allocates well over 100 KB.
    const until = Date.now() + 4_000;
    let pages = 0;
    while (Date.now() < until) {
      const batch = await Promise.all(Array.from({ length: 8 }, () => fetch(`${server.baseUrl}/report`).then((r) => r.text())));
      pages += batch.length;
    }
    assert.ok(pages > 50, `${pages} pages served`);
    const during = compactions(server).length;
    // One compaction interval (5 s) of quiet, and a margin for a slow machine.
    const deadline = Date.now() + 15_000;
    while (compactions(server).length === during && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const done = compactions(server);
    assert.equal(done.length, during + 1, `no compaction logged after ${pages} pages and 15 s of quiet`);
    assert.ok(Number(done.at(-1)!.freedMb) >= 8, `freed ${String(done.at(-1)!.freedMb)} MB`);
  });
});
