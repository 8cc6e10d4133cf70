import type { Db } from '../db/database.ts';
import { recordAudit } from './append-audit.ts';

/** One entry per token, route and minute at most: a sync job calling every second would otherwise fill the log. */
const WINDOW_MS = 60_000;
const MAX_REMEMBERED = 10_000;

/**
 * Records that an API token was used, at most once per token, route kind
 * ("GET /api/v1/reports/:reference") and minute, per process (a second worker
 * process may add its own entry in the same minute). Reads of a report and
 * downloads are recorded one by one besides (report.viewed, attachment.downloaded).
 */
export function createTokenUseRecorder(db: Db): (tokenId: string, routeKind: string, now?: Date) => Promise<void> {
  const last = new Map<string, number>();
  return async (tokenId, routeKind, now = new Date()) => {
    const key = `${tokenId} ${routeKind}`;
    const minute = Math.floor(now.getTime() / WINDOW_MS);
    if (last.get(key) === minute) return;
    if (last.size >= MAX_REMEMBERED) last.clear();
    last.set(key, minute);
    await recordAudit(db, { actor: { kind: 'api-token', id: tokenId }, action: 'api-token.used', target: routeKind }, { now });
  };
}
