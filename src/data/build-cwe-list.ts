/**
 * Development-time generator of src/data/cwe-list.json, the compact CWE list
 * Embargo ships. The CWE catalogue cannot be downloaded at run time (nor on
 * machines without internet), so the generated file is committed and this
 * script only runs when the list is refreshed:
 *
 *   npm pack cwe-sdk && tar xzf cwe-sdk-*.tgz        # OWASP's package; ships MITRE's XML
 *   npx tsx src/data/build-cwe-list.ts package/raw/cwe-archive.xml
 *
 * It keeps each weakness's id, name, abstraction and MITRE's mapping guidance
 * (whether a vulnerability should be mapped to it), and leaves out deprecated
 * entries, categories and views, which are not for classifying a report.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const decode = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function build(xmlPath: string): void {
  const xml = readFileSync(xmlPath, 'utf8');
  const catalog = /<Weakness_Catalog Name="CWE" Version="([^"]+)" Date="([^"]+)"/.exec(xml);
  if (!catalog) throw new Error(`${xmlPath} is not a CWE catalogue`);
  const rows: [number, string, string, string][] = [];
  for (const block of xml.split('<Weakness ').slice(1)) {
    const head = /^ID="(\d+)" Name="([^"]*)" Abstraction="(\w+)" Structure="\w+" Status="(\w+)"/.exec(block);
    if (!head) continue;
    const [, id, name, abstraction, status] = head;
    if (status === 'Deprecated') continue;
    const body = block.slice(0, block.indexOf('</Weakness>'));
    const usage = /<Usage>([^<]+)<\/Usage>/.exec(body)?.[1] ?? 'Allowed';
    rows.push([Number(id), decode(name!), abstraction!, usage]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  const meta = {
    source: `MITRE CWE ${catalog[1]} (${catalog[2]}), weaknesses only, from the cwe-sdk npm package`,
    notice: 'CWE™ is a trademark of The MITRE Corporation; CWE content is used under the CWE Terms of Use.',
    columns: ['id', 'name', 'abstraction', 'usage'],
  };
  const target = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cwe-list.json');
  // One weakness per line keeps the diff of a refresh readable.
  const lines = rows.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
  const json = JSON.stringify(meta, null, 2).replace(/\n}$/, `,\n  "weaknesses": [\n${lines}\n  ]\n}\n`);
  writeFileSync(target, json);
  console.log(`${rows.length} weaknesses from CWE ${catalog[1]} → ${target}`);
}

const arg = process.argv[2];
if (!arg) {
  console.error('usage: tsx src/data/build-cwe-list.ts path/to/cwe-archive.xml');
  process.exit(2);
}
build(arg);
