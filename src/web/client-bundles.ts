import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

// src/web/ and dist/web/ are both two levels below the repository root.
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
/** Written by scripts/build.mjs: entry name → URL path of its content-hashed file. */
const manifestPath = path.join(root, 'dist/client/manifest.json');

export interface ClientBundles {
  /** URL path of the report form's encryption script (content-hashed, cached for a year). */
  reportForm: string;
  /** URL path of the staff report page's CVSS picker (ae-cvss-calculator bundled, same scores as the server). */
  cvssPicker: string;
  /** URL path of the staff report page's canned-response insertion at the cursor. */
  cannedInsert: string;
}

interface Built {
  urls: ClientBundles;
  files: Map<string, Buffer>;
}

/** The compiled server serves what `npm run build` made; it never bundles at start. */
function readBuilt(): Built {
  let manifest: Record<string, string>;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>;
  } catch (err) {
    throw new Error(`The browser bundles are missing (${manifestPath}: ${(err as Error).message}). Run \`npm run build\`.`);
  }
  const files = new Map<string, Buffer>();
  for (const url of Object.values(manifest)) files.set(url, readFileSync(path.join(root, 'dist/client/js', path.basename(url))));
  const urls = { reportForm: manifest['report-form'] ?? '', cvssPicker: manifest['cvss-picker'] ?? '', cannedInsert: manifest['canned-insert'] ?? '' };
  if (!urls.reportForm || !urls.cvssPicker || !urls.cannedInsert) throw new Error(`${manifestPath} lacks an entry; run \`npm run build\`.`);
  return { urls, files };
}

/** Running the TypeScript directly (development, tests): bundle in memory, exactly as the build does. */
async function bundleInMemory(): Promise<Built> {
  const { bundleClient } = await import('../../scripts/client-build.mjs');
  const files = new Map<string, Buffer>();
  const urls = { reportForm: '', cvssPicker: '', cannedInsert: '' };
  for (const out of await bundleClient()) {
    if (!out.entry) continue;
    const url = `/static/js/${out.file}`;
    files.set(url, Buffer.from(out.contents));
    if (out.entry === 'report-form') urls.reportForm = url;
    if (out.entry === 'cvss-picker') urls.cvssPicker = url;
    if (out.entry === 'canned-insert') urls.cannedInsert = url;
  }
  return { urls, files };
}

// One load per process: every app instance (tests build several) serves the same bytes.
let built: Promise<Built> | undefined;

/**
 * Serves the small progressive-enhancement scripts (OpenPGP.js included)
 * from our own origin: no CDN, nothing inline, so the CSP can stay at
 * script-src 'self'.
 */
export async function registerClientBundles(app: FastifyInstance): Promise<ClientBundles> {
  built ??= import.meta.url.endsWith('.ts') ? bundleInMemory() : Promise.resolve().then(readBuilt);
  const { urls, files } = await built;
  for (const [url, bytes] of files) {
    app.get(url, async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable').send(bytes),
    );
  }
  return urls;
}

/**
 * The URL path of a browser script by its entry name in scripts/client-build.mjs, for pages
 * whose routes are not handed the bundles (e.g. the staff pages' passkey script).
 */
export async function clientBundleUrl(entry: string): Promise<string> {
  built ??= import.meta.url.endsWith('.ts') ? bundleInMemory() : Promise.resolve().then(readBuilt);
  const { files } = await built;
  const url = [...files.keys()].find((u) => path.basename(u).startsWith(`${entry}.`) && u.endsWith('.js'));
  if (!url) throw new Error(`No browser bundle named ${entry}; run \`npm run build\`.`);
  return url;
}
