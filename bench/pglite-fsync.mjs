// Design (a) of issue 16, for measurement only (docs/embedded-database.md): PGlite made durable by
// starting its PostgreSQL without `-F` (fsync off) and giving Emscripten's Node file system the `fsync`
// it lacks. Loaded into the server with `node --import` when the bench runs with
// EMBARGO_BENCH_EMBEDDED_ENGINE=pglite-fsync; Embargo itself never uses it (it patches internals of
// one PGlite release, and every fsync blocks the event loop).
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

const params = PGlite.defaultStartParams;
if (params.includes('-F')) params.splice(params.indexOf('-F'), 1);
// Emscripten's fdatasync is a no-op; its fsync reaches the stream operation below.
params.push('-c', 'wal_sync_method=fsync');

const init = NodeFS.prototype.init;
NodeFS.prototype.init = async function (pg, opts) {
  const r = await init.call(this, pg, opts);
  r.emscriptenOpts.preRun.push((mod) => {
    mod.NODEFS.stream_ops.fsync = (stream) => fs.fsyncSync(stream.nfd);
  });
  return r;
};
