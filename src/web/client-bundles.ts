import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../client');

export interface ClientBundles {
  /** URL path of the report form's encryption script (content-hashed, cached for a year). */
  reportForm: string;
  /** URL path of the staff report page's CVSS picker (ae-cvss-calculator bundled, same scores as the server). */
  cvssPicker: string;
}

interface Built {
  urls: ClientBundles;
  files: Map<string, string>;
}

// One build per process: esbuild takes about a second for OpenPGP.js, and
// every app instance (tests build several) serves the same bytes.
let built: Promise<Built> | undefined;

async function build(): Promise<Built> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { 'report-form': path.join(clientDir, 'report-form-encryption.ts'), 'cvss-picker': path.join(clientDir, 'cvss-picker.ts') },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    write: false,
    outdir: '/js',
    legalComments: 'linked',
  });
  const files = new Map<string, string>();
  let reportForm = '';
  let cvssPicker = '';
  for (const out of result.outputFiles) {
    if (!out.path.endsWith('.js')) continue;
    const hash = createHash('sha256').update(out.contents).digest('hex').slice(0, 12);
    const url = `/static/js/${path.basename(out.path, '.js')}.${hash}.js`;
    files.set(url, out.text);
    if (out.path.endsWith('report-form.js')) reportForm = url;
    if (out.path.endsWith('cvss-picker.js')) cvssPicker = url;
  }
  return { urls: { reportForm, cvssPicker }, files };
}

/**
 * Bundles the small progressive-enhancement scripts (OpenPGP.js included)
 * and serves them from our own origin: no CDN, nothing inline, so the CSP
 * can stay at script-src 'self'.
 */
export async function registerClientBundles(app: FastifyInstance): Promise<ClientBundles> {
  built ??= build();
  const { urls, files } = await built;
  for (const [url, text] of files) {
    app.get(url, async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable').send(text),
    );
  }
  return urls;
}
