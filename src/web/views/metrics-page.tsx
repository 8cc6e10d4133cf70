import { AGE_BUCKETS, CHANNELS, OUTCOMES, SEVERITIES, type Metrics } from '../../metrics/report-metrics.ts';
import { Layout, type PageChrome } from './layout.tsx';
import { StackedBarChart } from './svg-charts.tsx';

const CHANNEL_COLORS = { web: '#0b5cad', email: '#8250df', api: '#1a7f37', staff: '#9a6700' } as const;
const OUTCOME_COLORS = { open: '#9a6700', resolved: '#1a7f37', rejected: '#8c959f' } as const;
const SEVERITY_COLORS = { critical: '#82071e', high: '#cf222e', medium: '#d4a72c', low: '#0b5cad', none: '#8c959f', unscored: '#d0d7de' } as const;

function hours(h: number | null): string {
  if (h === null) return '—';
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`;
}

export function MetricsPage(props: { chrome: PageChrome; metrics: Metrics }) {
  const m = props.metrics;
  const months = m.months.map((r) => r.month.slice(2));
  return (
    <Layout chrome={props.chrome} title="Metrics" wide>
      <h1>Metrics</h1>
      <p class="meta">
        Last 12 months. <a href="/staff/metrics.csv" download>Download as CSV</a>
      </p>
      <section aria-labelledby="received-h">
        <h2 id="received-h">Reports received per month</h2>
        <div class="charts">
          <StackedBarChart id="by-channel" title="Reports received per month, by channel" categories={months} series={CHANNELS.map((c) => ({ name: c, color: CHANNEL_COLORS[c], values: m.months.map((r) => r.byChannel[c]) }))} />
          <StackedBarChart id="by-outcome" title="Reports received per month, by outcome" categories={months} series={OUTCOMES.map((o) => ({ name: o, color: OUTCOME_COLORS[o], values: m.months.map((r) => r.byOutcome[o]) }))} />
        </div>
        <details>
          <summary>Data table</summary>
          <table class="inbox">
            <thead>
              <tr>
                <th scope="col">Month</th>
                {CHANNELS.map((c) => <th key={c} scope="col">{c}</th>)}
                {OUTCOMES.map((o) => <th key={o} scope="col">{o}</th>)}
              </tr>
            </thead>
            <tbody>
              {m.months.map((r) => (
                <tr key={r.month}>
                  <th scope="row">{r.month}</th>
                  {CHANNELS.map((c) => <td key={c}>{r.byChannel[c]}</td>)}
                  {OUTCOMES.map((o) => <td key={o}>{r.byOutcome[o]}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </section>
      <section aria-labelledby="durations-h">
        <h2 id="durations-h">How fast we answer and fix</h2>
        <table class="inbox metrics">
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">Median</th>
              <th scope="col">90th percentile</th>
              <th scope="col">Reports</th>
            </tr>
          </thead>
          <tbody>
            {m.durations.map((d) => (
              <tr key={d.name}>
                <th scope="row">{d.label}</th>
                <td>{hours(d.medianHours)}</td>
                <td>{hours(d.p90Hours)}</td>
                <td>{d.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="sla-h">
        <h2 id="sla-h">Promises kept</h2>
        <p class="meta">SLA clocks of the {m.slaSample} most recent reports (spam excluded).</p>
        <table class="inbox metrics">
          <thead>
            <tr>
              <th scope="col">Promise</th>
              <th scope="col">Met</th>
              <th scope="col">Breached</th>
              <th scope="col">Still running</th>
              <th scope="col">Compliance</th>
            </tr>
          </thead>
          <tbody>
            {m.sla.map((s) => (
              <tr key={s.name}>
                <th scope="row">{s.label}</th>
                <td>{s.met}</td>
                <td>{s.breached}</td>
                <td>{s.running}</td>
                <td>{s.met + s.breached ? `${Math.round((100 * s.met) / (s.met + s.breached))}%` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="age-h">
        <h2 id="age-h">Open reports by age and severity</h2>
        <StackedBarChart id="open-age" title="Open reports by age and team severity" categories={[...AGE_BUCKETS]} series={SEVERITIES.map((s) => ({ name: s, color: SEVERITY_COLORS[s], values: m.openByAge.map((a) => a.bySeverity[s]) }))} />
      </section>
    </Layout>
  );
}
