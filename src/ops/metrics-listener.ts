import http from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.ts';

/**
 * Serves /metrics on its own address (EMBARGO_METRICS_LISTEN, e.g.
 * 127.0.0.1:9464), never on the public port: what a PSIRT's inbox holds is
 * nobody else's business, even as counts.
 */
export async function listenMetrics(metrics: Metrics, address: { host: string; port: number }, logger: Pick<Logger, 'info'>): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics here.\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : address.port;
  logger.info({ metrics: `http://${address.host}:${port}/metrics` }, 'metrics listening');
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
