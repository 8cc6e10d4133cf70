import type { AppContext } from '../context.ts';
import { startHeartbeat } from './heartbeat.ts';
import { listenMetrics } from './metrics-listener.ts';

/**
 * What every long-running process adds for its operator: the worker
 * heartbeat where this process runs jobs (read by /readyz), and the metrics
 * listener where EMBARGO_METRICS_LISTEN is set.
 */
export async function startOperations(ctx: AppContext, options: { worker: boolean }): Promise<{ metricsPort: number | undefined; close(): Promise<void> }> {
  const heartbeat = options.worker ? startHeartbeat(ctx.db, ctx.logger) : undefined;
  let listener: Awaited<ReturnType<typeof listenMetrics>> | undefined;
  try {
    if (ctx.metrics && ctx.config.metricsListen) listener = await listenMetrics(ctx.metrics, ctx.config.metricsListen, ctx.logger);
  } catch (err) {
    await heartbeat?.stop();
    throw err;
  }
  return {
    metricsPort: listener?.port,
    async close() {
      await listener?.close();
      await heartbeat?.stop();
    },
  };
}
