import autocannon from 'autocannon';

export interface LoadSpec {
  /** Base URL of the server. */
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Headers that change on every request (rebuilds each request, so keep it cheap). */
  perRequestHeaders?: () => Record<string, string>;
  /** The one status that counts as success; anything else is not counted in rate or latency. */
  successStatus: number;
}

export interface LoadResult {
  seconds: number;
  successes: number;
  /** Successes per second. */
  rate: number;
  /** Latency of successful responses, in ms. */
  p50: number;
  p99: number;
  /** Responses outside 2xx/3xx, plus connection errors and timeouts. */
  failures: number;
  /** Everything that was not the success status, errors included (a 303 to the login page is no failure, but wrong). */
  unexpected: number;
  /** Every status seen, with its count. */
  statuses: Record<string, number>;
}

/**
 * One closed-loop autocannon run. Latencies come from the per-response event
 * rather than autocannon's histogram, which keeps only whole milliseconds and
 * mixes in responses of every status.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const perRequest = spec.perRequestHeaders;
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 10,
    requests: [
      {
        method: spec.method ?? 'GET',
        path: spec.path,
        headers: spec.headers ?? {},
        ...(spec.body ? { body: spec.body } : {}),
        ...(perRequest ? { setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...perRequest() } }) } : {}),
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status === spec.successStatus) latencies.push(ms);
  });
  const result = await instance;
  const bad = Object.entries(statuses)
    .filter(([s]) => Number(s) < 200 || Number(s) >= 400)
    .reduce((n, [, c]) => n + c, 0);
  const responses = Object.values(statuses).reduce((n, c) => n + c, 0);
  latencies.sort((a, b) => a - b);
  return {
    seconds: result.duration,
    successes: latencies.length,
    rate: latencies.length / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures: bad + result.errors,
    unexpected: responses - latencies.length + result.errors,
    statuses,
  };
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
