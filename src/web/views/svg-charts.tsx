export interface Series {
  name: string;
  /** SVG fill; a presentation attribute, which the CSP allows (unlike style attributes). */
  color: string;
  values: number[];
}

function niceMax(n: number): number {
  if (n <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(n));
  return Math.ceil(n / p) * p;
}

/**
 * A stacked bar chart as server-rendered SVG: no script, readable by screen
 * readers through its title and the data table beside it.
 */
export function StackedBarChart(props: { id: string; title: string; categories: string[]; series: Series[]; unit?: string }) {
  const W = 720;
  const H = 260;
  const left = 40;
  const bottom = 40;
  const top = 30;
  const totals = props.categories.map((_, i) => props.series.reduce((s, ser) => s + (ser.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotH = H - bottom - top;
  const step = (W - left - 10) / Math.max(1, props.categories.length);
  const barW = Math.max(4, step * 0.7);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${props.id}-title`} width="100%">
        <title id={`${props.id}-title`}>{props.title}</title>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={left} x2={W - 10} y1={y(max * f)} y2={y(max * f)} stroke="#d0d7de" />
            <text x={left - 6} y={y(max * f) + 4} text-anchor="end" font-size="11" fill="#57606a">
              {Math.round(max * f)}
            </text>
          </g>
        ))}
        {props.categories.map((cat, i) => {
          let acc = 0;
          const x = left + i * step + (step - barW) / 2;
          return (
            <g key={cat}>
              {props.series.map((s) => {
                const v = s.values[i] ?? 0;
                const y0 = y(acc);
                acc += v;
                return v > 0 ? (
                  <rect key={s.name} x={x} y={y(acc)} width={barW} height={y0 - y(acc)} fill={s.color}>
                    <title>{`${cat} · ${s.name}: ${v}${props.unit ?? ''}`}</title>
                  </rect>
                ) : null;
              })}
              <text x={x + barW / 2} y={H - bottom + 16} text-anchor="middle" font-size="11" fill="#57606a">
                {cat}
              </text>
            </g>
          );
        })}
        {props.series.map((s, i) => (
          <g key={s.name}>
            <rect x={left + i * 120} y={6} width={12} height={12} fill={s.color} />
            <text x={left + i * 120 + 16} y={16} font-size="12" fill="#1b1f24">
              {s.name}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
