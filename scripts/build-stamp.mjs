// When dist/ was last built, and whether a build input is newer: `node scripts/build.mjs --if-stale`
// builds only then, and the test helpers refuse to run a stale dist/ (test/helpers/embargo-process.ts).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build.mjs', 'scripts/client-build.mjs'];

/** The build's stamp file, written last by a successful build. */
export const stampFile = (root) => path.join(root, 'dist', '.build-stamp');

/** The newest modification time among the build's inputs. */
function newestInput(root) {
  let newest = 0;
  const visit = (p) => {
    const s = statSync(p);
    if (s.isDirectory()) for (const e of readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of INPUTS) if (existsSync(path.join(root, p))) visit(path.join(root, p));
  return newest;
}

/** True when dist/ is missing or older than one of its inputs. */
export function buildIsStale(root) {
  const stamp = stampFile(root);
  return !existsSync(stamp) || statSync(stamp).mtimeMs < newestInput(root);
}
