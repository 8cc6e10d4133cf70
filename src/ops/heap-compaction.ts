import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Gives memory back once the process has nothing to do: after start-up, and
 * whenever the server falls idle after work.
 *
 * V8 collects garbage when it allocates, so a server that goes quiet keeps
 * the heap its last burst of work grew: the young generation at its largest
 * (16 MB), old-space pages emptied but not released. Its own memory reducer
 * would shrink them, but only starts after a garbage collection with a low
 * allocation rate, which an idle server never triggers. Measured on
 * PostgreSQL (docs/performance.md, "Memory"): 172 MB after start and 213 MB
 * after the bench's load, 146 and 172 MB once compacted. Browsers run the
 * same collection in idle time; this is that, for a server.
 *
 * The collection is V8's "last resort" one (every object is checked, the
 * young generation shrinks to its smallest), run synchronously: about
 * 40–60 ms for Embargo's 50 MB heap, while nothing waits on the process.
 */

/** The garbage collector, without --expose-gc on the command line and without a global `gc`. */
type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

let collect: Collect | undefined;

function collector(): Collect {
  if (!collect) {
    // The way Jest reaches it: the flag exposes `gc` to contexts created from now on, and only there.
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as Collect;
  }
  return collect;
}

/**
 * How far V8 lets the old generation grow past what was alive at the last
 * full collection before it collects again, as a percentage. V8 chooses up to
 * 300 % by itself when collections are cheap next to the work, which is what a
 * server under load looks like: on the embedded bench, 60 MB alive grew to
 * 230 MB of heap while the jobs of 7,000 submissions ran, and RSS to 370 MB.
 * At 50 % the same run peaked at 230 MB RSS for no measurable CPU
 * (docs/performance.md, "Memory").
 */
export const HEAP_GROWING_PERCENT = 50;

/** Keeps the old generation within HEAP_GROWING_PERCENT of what is alive; for the long-running processes (serve, worker). */
export function moderateHeapGrowth(): void {
  // Read by V8 at each collection, so setting it after start-up takes effect from the next one.
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Collects all garbage now and shrinks the heap to what is alive. */
export function compactHeap(): void {
  collector()({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/** What one check of the idle watch saw. */
export interface IdleSample {
  /** Share of the last interval the event loop was busy, 0 to 1. */
  busy: number;
  /** V8's committed heap now, bytes. */
  heapBytes: number;
  /** V8's committed heap right after the last compaction, bytes. */
  heapAfterCompaction: number;
}

/** Below this share of busy time the process counts as idle: timers and a heartbeat, nobody served. */
export const IDLE_BUSY_SHARE = 0.02;
/** Heap grown since the last compaction before another is worth a pause: half the young generation at its largest. */
export const WORTH_COMPACTING_BYTES = 8 * 1024 * 1024;

/** Compact when the process was idle for a whole interval and has grown since it last compacted. */
export function shouldCompact(sample: IdleSample): boolean {
  return sample.busy < IDLE_BUSY_SHARE && sample.heapBytes - sample.heapAfterCompaction >= WORTH_COMPACTING_BYTES;
}

export interface IdleCompaction {
  stop(): void;
}

/**
 * Checks every `intervalMs` whether the process was idle for the whole
 * interval after having grown, and compacts then. Any work counts (requests,
 * jobs, mail intake): it is measured on the event loop, not declared by each.
 */
export function startIdleCompaction(options: { intervalMs?: number; onCompacted?: (freedBytes: number, ms: number) => void } = {}): IdleCompaction {
  const heapBytes = () => v8.getHeapStatistics().total_heap_size;
  let heapAfterCompaction = heapBytes();
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const before = heapBytes();
    if (!shouldCompact({ busy, heapBytes: before, heapAfterCompaction })) return;
    const started = performance.now();
    compactHeap();
    heapAfterCompaction = heapBytes();
    // The pause itself would count as busy time in the next interval; it is not work.
    last = performance.eventLoopUtilization();
    options.onCompacted?.(before - heapAfterCompaction, performance.now() - started);
  }, options.intervalMs ?? 5_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
