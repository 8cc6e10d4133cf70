import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const EXAMPLES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');

/** Names of the shipped example programs (files in examples/). */
export function exampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Copies an example program config to `target`; refuses to overwrite unless forced. */
export function initExample(name: string, target: string, force: boolean): { ok: true } | { ok: false; error: string } {
  if (!exampleNames().includes(name)) return { ok: false, error: `Unknown example "${name}". Available: ${exampleNames().join(', ')}.` };
  if (existsSync(target) && !force) return { ok: false, error: `${target} exists; pass --force to replace it.` };
  copyFileSync(path.join(EXAMPLES_DIR, `${name}.json`), target);
  return { ok: true };
}

/** `embargo init --example NAME [--force]`: writes ./embargo.config.json (or EMBARGO_CONFIG). */
export function initCommand(args: string[], configPath: string | undefined): number {
  const { values } = parseArgs({ args, options: { example: { type: 'string' }, force: { type: 'boolean', default: false } }, strict: true });
  if (!values.example) {
    console.error(`embargo init: --example is required (one of: ${exampleNames().join(', ')}).`);
    return 2;
  }
  const target = path.resolve(configPath ?? 'embargo.config.json');
  const result = initExample(values.example, target, values.force ?? false);
  if (!result.ok) {
    console.error(`embargo init: ${result.error}`);
    return 1;
  }
  console.log(`Wrote ${target} from the "${values.example}" example. Edit it, then start Embargo.`);
  return 0;
}
