import { sql } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/database.ts';
import { MAIL_KINDS } from '../mail/count-mail.ts';

/**
 * What operators watch, in Prometheus' format. Counts that several processes
 * share (submissions, jobs, mail, SLA breaches) are read from the database
 * when scraped, so every process reports the same totals however many run;
 * what only this process sees (HTTP latency, SMTP sessions) is counted here.
 */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  smtpSessions: Counter;
  smtpMessages: Counter<'outcome'>;
  /** Outgoing mail handed to the relay by this process, by kind and result (src/mail/count-mail.ts). */
  mailSent: Counter<'kind' | 'result'>;
}

/** A scrape every 15 s must not cost a count over a million reports each time. */
const DB_CACHE_MS = 10_000;

export function createMetrics(db: Db): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'embargo_' });
  const httpDuration = new Histogram({
    name: 'embargo_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern (never the URL itself: it may hold a tracking token)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const smtpSessions = new Counter({ name: 'embargo_smtp_sessions_total', help: 'SMTP sessions opened on the built-in listener', registers: [registry] });
  const smtpMessages = new Counter({
    name: 'embargo_smtp_messages_total',
    help: 'Mail offered to the built-in listener, by outcome: stored (250), deferred (451, e.g. database away), too-big (552)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const mailSent = new Counter({
    name: 'embargo_mail_sent_total',
    help: 'Outgoing mail handed to the relay by this process, by kind (reporter, subscriber, early-notice, staff, account, party) and result (sent, failed, rejected); sum over processes',
    labelNames: ['kind', 'result'] as const,
    registers: [registry],
  });
  // Every series from the start at 0, so rate() and alerts see a first failure as a change.
  for (const kind of MAIL_KINDS) for (const result of ['sent', 'failed', 'rejected']) mailSent.inc({ kind, result }, 0);

  let cached: { at: number; value: Promise<DbFigures> } | undefined;
  const figures = () => {
    if (!cached || Date.now() - cached.at > DB_CACHE_MS) cached = { at: Date.now(), value: readFigures(db) };
    return cached.value;
  };
  const gauge = (name: string, help: string, labelNames: readonly string[], fill: (g: Gauge, f: DbFigures) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          fill(this, await figures());
        } catch {
          cached = undefined; // the database is away: /healthz says so; the scrape shows no stale numbers
        }
      },
    });
  gauge('embargo_reports', 'Reports stored, by the channel they came through (web, email, api, staff)', ['channel'], (g, f) => f.reports.forEach((r) => g.set({ channel: r.channel }, r.n)));
  gauge('embargo_jobs', 'Background jobs by kind and state', ['kind', 'state'], (g, f) => f.jobs.forEach((r) => g.set({ kind: r.kind, state: r.state }, r.n)));
  gauge('embargo_job_oldest_pending_age_seconds', 'Age of the oldest job due and not yet run, by kind', ['kind'], (g, f) => f.oldest.forEach((r) => g.set({ kind: r.kind }, r.age)));
  gauge('embargo_mail_deliveries', 'Attempts to mail reporters, as recorded in mail_deliveries, by result (sent, failed, rejected, skipped); all mail kinds: embargo_mail_sent_total', ['result'], (g, f) => f.mail.forEach((r) => g.set({ result: r.result }, r.n)));
  gauge('embargo_sla_breaches', 'SLA deadlines that passed unmet, by clock', ['clock'], (g, f) => f.breaches.forEach((r) => g.set({ clock: r.clock }, r.n)));
  gauge('embargo_worker_heartbeat_age_seconds', 'Seconds since the newest worker heartbeat', [], (g, f) => {
    if (f.heartbeatAge !== null) g.set(f.heartbeatAge);
  });
  return { registry, httpDuration, smtpSessions, smtpMessages, mailSent };
}

interface DbFigures {
  reports: { channel: string; n: number }[];
  jobs: { kind: string; state: string; n: number }[];
  oldest: { kind: string; age: number }[];
  mail: { result: string; n: number }[];
  breaches: { clock: string; n: number }[];
  heartbeatAge: number | null;
}

async function readFigures(db: Db): Promise<DbFigures> {
  const [reports, jobs, oldest, mail, breaches, heartbeat] = await Promise.all([
    sql<{ channel: string; n: number }>`SELECT channel, count(*)::int AS n FROM reports GROUP BY channel`.execute(db),
    sql<{ kind: string; state: string; n: number }>`SELECT kind, state, count(*)::int AS n FROM jobs GROUP BY kind, state`.execute(db),
    sql<{ kind: string; age: number }>`
      SELECT kind, extract(epoch FROM now() - min(run_at))::float8 AS age FROM jobs
      WHERE state = 'pending' AND run_at <= now() GROUP BY kind`.execute(db),
    sql<{ result: string; n: number }>`SELECT result, count(*)::int AS n FROM mail_deliveries GROUP BY result`.execute(db),
    sql<{ clock: string; n: number }>`
      SELECT clock, count(DISTINCT (report_id, due_at))::int AS n FROM sla_reminders WHERE threshold = 'breach' GROUP BY clock`.execute(db),
    sql<{ age: number | null }>`SELECT extract(epoch FROM now() - max(seen_at))::float8 AS age FROM worker_heartbeats`.execute(db),
  ]);
  return {
    reports: reports.rows,
    jobs: jobs.rows,
    oldest: oldest.rows,
    mail: mail.rows,
    breaches: breaches.rows,
    heartbeatAge: heartbeat.rows[0]?.age ?? null,
  };
}
