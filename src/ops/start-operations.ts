import type { AppContext } from '../context.ts';
import { listenMetrics } from './metrics-listener.ts';

/**
 * What every long-running process adds for its operator: the metrics
 * listener where EMBARGO_METRICS_LISTEN is set. (The worker's heartbeat is
 * the worker's own: src/jobs/worker.ts.)
 */
export async function startOperations(ctx: AppContext): Promise<{ metricsPort: number | undefined; close(): Promise<void> }> {
  const listener = ctx.metrics && ctx.config.metricsListen ? await listenMetrics(ctx.metrics, ctx.config.metricsListen, ctx.logger) : undefined;
  return {
    metricsPort: listener?.port,
    async close() {
      await listener?.close();
    },
  };
}
