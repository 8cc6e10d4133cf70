#!/usr/bin/env node
// The production build: `tsc` compiles src/ to dist/ (type errors fail it),
// and esbuild bundles the browser scripts (OpenPGP.js form encryption, CVSS
// picker) into dist/client/ with content-hashed names and a manifest the
// server reads. Nothing is bundled at server start.
//
//   node scripts/build.mjs             build
//   node scripts/build.mjs --if-stale  build only when an input is newer than the last build
//
// Plain JavaScript on purpose: it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsStale, stampFile } from './build-stamp.mjs';
import { bundleClient } from './client-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = stampFile(root);

if (process.argv.includes('--if-stale') && !buildIsStale(root)) process.exit(0);

const started = performance.now();
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('build: the TypeScript compiler reported errors (above); dist/ was not updated.');
  process.exit(1);
}
const tscMs = performance.now() - started;

const clientDir = path.join(dist, 'client');
rmSync(clientDir, { recursive: true, force: true });
mkdirSync(path.join(clientDir, 'js'), { recursive: true });
/** Entry name → URL path; the server serves each file under /static/js/ for a year (the name changes with the content). */
const manifest = {};
for (const out of await bundleClient()) {
  writeFileSync(path.join(clientDir, 'js', out.file), out.contents);
  if (out.entry) manifest[out.entry] = `/static/js/${out.file}`;
}
writeFileSync(path.join(clientDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
writeFileSync(stamp, new Date().toISOString() + '\n');
console.error(`build: dist/ compiled in ${(tscMs / 1000).toFixed(1)} s, browser bundles in ${((performance.now() - started - tscMs) / 1000).toFixed(1)} s`);
