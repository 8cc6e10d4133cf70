/**
 * Sums `work` over the items of a recurring job; an item that throws is handed
 * to `onError` and the others still run, so one broken report cannot stop every
 * reminder. Without `onError` the failures are thrown together once every item
 * had its turn.
 */
export async function sumIsolated<T>(items: readonly T[], work: (item: T) => Promise<number>, onError?: (err: unknown, item: T) => void): Promise<number> {
  let sum = 0;
  const failures: unknown[] = [];
  for (const item of items) {
    try {
      sum += await work(item);
    } catch (err) {
      if (onError) onError(err, item);
      else failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} items failed`);
  return sum;
}
