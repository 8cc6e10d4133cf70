// The browser bundles, shared by the build (scripts/build.mjs, which writes
// them to dist/client/) and by the server when it runs from TypeScript in
// development and tests (bundled in memory). One definition, so both serve
// the same bytes under the same names.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const ENTRIES = {
  'report-form': 'src/client/report-form-encryption.ts',
  'cvss-picker': 'src/client/cvss-picker.ts',
  passkeys: 'src/client/passkeys.ts',
  'canned-insert': 'src/client/canned-insert.ts',
};

/** Bundles every entry; each output file with the name it is served under (scripts get a content hash). */
export async function bundleClient() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(root, file)])),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    write: false,
    outdir: '/js',
    legalComments: 'linked',
  });
  return result.outputFiles.map((out) => {
    const base = path.basename(out.path);
    if (!base.endsWith('.js')) return { entry: undefined, file: base, contents: out.contents };
    const entry = base.slice(0, -'.js'.length);
    const hash = createHash('sha256').update(out.contents).digest('hex').slice(0, 12);
    return { entry, file: `${entry}.${hash}.js`, contents: out.contents };
  });
}
