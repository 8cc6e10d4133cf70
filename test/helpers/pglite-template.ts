import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { migrateToLatest, openPglite } from '../../src/db/database.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { syncPrograms } from '../../src/programs/programs.ts';

/**
 * A migrated PGlite database with the demo program, as a data-directory tarball that each fresh test
 * database starts from. An empty PGlite costs an initdb and then every migration (seconds on a busy
 * 2-core machine, hundreds of times a run); loading the template costs a fraction of that.
 *
 * Within a process the template is built once. Across the processes of one `npm test` run it is shared
 * through EMBARGO_TEST_TEMPLATE_DIR, a directory scripts/test.mjs makes for the run and removes after it,
 * so a template never outlives the sources it was built from.
 */
let template: Promise<Blob> | undefined;

export function pgliteTemplate(): Promise<Blob> {
  template ??= loadOrBuild();
  return template;
}

async function loadOrBuild(): Promise<Blob> {
  const dir = process.env.EMBARGO_TEST_TEMPLATE_DIR;
  const file = dir ? path.join(dir, 'pglite-template.tar') : undefined;
  if (file) {
    const stored = await readFile(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (stored) return new Blob([new Uint8Array(stored)]);
  }
  const opened = await openPglite(undefined);
  try {
    await migrateToLatest(opened.db);
    await syncPrograms(opened.db, [demoProgram]);
    const dump = await opened.dumpDataDir();
    if (file) {
      // Several test processes may build it at once: each writes its own file and renames it into place.
      const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
      await rename(partial, file);
    }
    return dump;
  } finally {
    await opened.close();
  }
}
