/// <reference lib="dom" />
/**
 * Progressive enhancement of the team CVSS vector field on the staff report
 * page: buttons per base metric, kept in sync with the text field both ways,
 * and the live score. Scoring imports the server's own module (ae-cvss-calculator
 * bundled), so the browser shows exactly what saving will store. Without
 * JavaScript the plain text field is all there is, and it stays the source of
 * truth: the picker only ever writes a vector into it.
 */
import { CVSS_METRICS, type CvssVersion } from '../domain/cvss-metrics.ts';
import { scoreCvss } from '../domain/cvss-score.ts';

/** Names of the base metrics and their values, as the specifications word them. */
const METRIC_NAMES: Record<string, string> = {
  AV: 'Attack Vector', AC: 'Attack Complexity', AT: 'Attack Requirements', PR: 'Privileges Required', UI: 'User Interaction',
  S: 'Scope', C: 'Confidentiality', I: 'Integrity', A: 'Availability',
  VC: 'Confidentiality (vulnerable system)', VI: 'Integrity (vulnerable system)', VA: 'Availability (vulnerable system)',
  SC: 'Confidentiality (subsequent systems)', SI: 'Integrity (subsequent systems)', SA: 'Availability (subsequent systems)',
};
const VALUE_NAMES: Record<string, Record<string, string>> = {
  AV: { N: 'Network', A: 'Adjacent', L: 'Local', P: 'Physical' },
  AC: { L: 'Low', H: 'High' },
  AT: { N: 'None', P: 'Present' },
  PR: { N: 'None', L: 'Low', H: 'High' },
  UI: { N: 'None', R: 'Required', P: 'Passive', A: 'Active' },
  S: { U: 'Unchanged', C: 'Changed' },
};
const IMPACT = { H: 'High', L: 'Low', N: 'None' };
const valueName = (metric: string, value: string) => VALUE_NAMES[metric]?.[value] ?? IMPACT[value as keyof typeof IMPACT] ?? value;

const baseSpecs = (version: CvssVersion) => CVSS_METRICS[version].filter((s) => s.group === 'base');

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function setup(input: HTMLInputElement): void {
  let version: CvssVersion = '3.1';
  /** Every METRIC:VALUE of the vector, base or not: non-base metrics typed by hand survive a click. */
  let metrics = new Map<string, string>();

  const versionButtons = (['3.1', '4.0'] as const).map((v) => el('button', { type: 'button', className: 'cvss-version', textContent: `CVSS ${v}` }));
  const groups = el('div', { className: 'cvss-metrics' });
  const live = el('output', { className: 'cvss-live' });
  live.setAttribute('aria-live', 'polite');
  live.setAttribute('for', input.id);
  const versionBar = el('div', { className: 'cvss-versions' }, ...versionButtons);
  versionBar.setAttribute('role', 'group');
  versionBar.setAttribute('aria-label', 'CVSS version');
  const picker = el('div', { className: 'cvss-picker' }, versionBar, groups, live);
  // After the whole field (label, hint, error, input), before the submit button.
  (input.closest('.field') ?? input).after(picker);

  /** Reads the text field; a vector it cannot read leaves the buttons as they are. */
  function readInput(): void {
    const text = input.value.trim();
    const v = text.startsWith('CVSS:4.0') ? '4.0' : text.startsWith('CVSS:3.1') ? '3.1' : undefined;
    if (!v) return;
    version = v;
    metrics = new Map();
    for (const part of text.split('/').slice(1)) {
      const [k, val] = part.split(':');
      if (k && val) metrics.set(k, val);
    }
  }

  function writeInput(): void {
    const specs = CVSS_METRICS[version];
    const known = specs.filter((s) => metrics.has(s.key)).map((s) => `${s.key}:${metrics.get(s.key)}`);
    input.value = [`CVSS:${version}`, ...known].join('/');
  }

  function render(): void {
    versionButtons.forEach((b, i) => b.setAttribute('aria-pressed', String((i === 0 ? '3.1' : '4.0') === version)));
    groups.replaceChildren(
      ...baseSpecs(version).map((spec) => {
        const buttons = spec.values.map((value) => {
          const b = el('button', { type: 'button', className: 'cvss-value', textContent: valueName(spec.key, value), title: `${spec.key}:${value}` });
          b.dataset.metric = spec.key;
          b.dataset.value = value;
          b.setAttribute('aria-pressed', String(metrics.get(spec.key) === value));
          return b;
        });
        const name = el('span', { className: 'cvss-metric-name', textContent: `${METRIC_NAMES[spec.key] ?? spec.key} (${spec.key})` });
        const group = el('div', { className: 'cvss-metric' }, name, ...buttons);
        group.setAttribute('role', 'group');
        group.setAttribute('aria-label', METRIC_NAMES[spec.key] ?? spec.key);
        return group;
      }),
    );
    const text = input.value.trim();
    if (!text) {
      live.textContent = 'Pick a value for every base metric to see the score.';
      return;
    }
    const missing = baseSpecs(version).filter((s) => !metrics.has(s.key)).length;
    const result = scoreCvss(text);
    live.className = result.ok ? `cvss-live severity-${result.value.severity.toLowerCase()}` : 'cvss-live';
    live.textContent = result.ok
      ? `${result.value.score.toFixed(1)} ${result.value.severity}`
      : missing > 0 ? `${missing} base metric${missing === 1 ? '' : 's'} still to pick.` : result.message;
  }

  groups.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button.cvss-value');
    if (!b?.dataset.metric || !b.dataset.value) return;
    readInput();
    metrics.set(b.dataset.metric, b.dataset.value);
    writeInput();
    render();
  });
  versionButtons.forEach((b, i) =>
    b.addEventListener('click', () => {
      const next: CvssVersion = i === 0 ? '3.1' : '4.0';
      if (next === version) return;
      readInput();
      // Metrics both versions share keep their value where it is allowed in the other; the rest are picked again.
      const specs = CVSS_METRICS[next];
      metrics = new Map([...metrics].filter(([k, v]) => specs.some((s) => s.key === k && s.group === 'base' && s.values.includes(v))));
      version = next;
      writeInput();
      render();
    }),
  );
  input.addEventListener('input', () => {
    readInput();
    render();
  });
  readInput();
  render();
}

for (const input of document.querySelectorAll<HTMLInputElement>('input[data-cvss-picker]')) setup(input);
