import { instantAt, isLocalDate, wallTime } from '../calendar/zoned-time.ts';

/** An instant as a form's datetime-local value ("2026-12-01T09:30") in the program's zone. */
export function toLocalInput(instant: Date, zone: string): string {
  const w = wallTime(instant, zone);
  const minutes = Math.floor(w.msOfDay / 60_000);
  return `${w.date}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A datetime-local value read as a wall-clock time in the program's zone; undefined when it is not one. */
export function fromLocalInput(value: string, zone: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::\d{2})?$/.exec(value.trim());
  if (!m || !isLocalDate(m[1]!)) return undefined;
  const h = Number(m[2]);
  const min = Number(m[3]);
  if (h > 23 || min > 59) return undefined;
  return instantAt(zone, m[1]!, (h * 60 + min) * 60_000);
}
