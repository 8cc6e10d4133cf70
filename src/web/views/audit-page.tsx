import type { AuditFilter, AuditRow } from '../../audit/list-audit.ts';
import { FieldError, Layout, formatDate, type PageChrome } from './layout.tsx';

function actorLabel(r: AuditRow): string {
  if (r.actorKind === 'staff') return r.actorName ?? `staff ${r.actorId ?? ''}`;
  if (r.actorKind === 'api-token') return `API token ${r.actorId ?? ''}`;
  if (r.actorKind === 'operator') return 'Operator (command line)';
  if (r.actorKind === 'anonymous') return 'Not signed in';
  return 'System';
}

/** The filters as a query string, for the "Older" link and the export links. */
export function auditQuery(f: AuditFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ['actor', 'action', 'report', 'from', 'to'] as const) if (f[key]) params.set(key, f[key]!);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** /staff/audit: the audit log for administrators, newest first, filtered, a page at a time, with exports. */
export function AuditPage(props: {
  chrome: PageChrome;
  rows: AuditRow[];
  filter: AuditFilter;
  /** What was typed, shown back when it did not parse. */
  typed: Record<string, string>;
  errors: Record<string, string>;
  actors: { id: string; name: string }[];
  olderThan: string | undefined;
}) {
  const { rows, filter, typed, errors } = props;
  const value = (k: string) => typed[k] ?? '';
  return (
    <Layout chrome={props.chrome} title="Audit log" wide>
      <h1>Audit log</h1>
      <p class="meta">
        Who did or read what, and when: sign-ins, report views and downloads, changes, exports, roles, keys, API token use. Entries are
        chained by a keyed hash; <code>embargo audit verify</code> shows whether any was changed or removed. The log holds ids, never report
        text or addresses.
      </p>
      <form method="get" action="/staff/audit" class="filters">
        <label for="actor">Who</label>
        <select id="actor" name="actor">
          <option value="">Anyone</option>
          {props.actors.map((a) => (
            <option key={a.id} value={a.id} selected={value('actor') === a.id}>
              {a.name}
            </option>
          ))}
        </select>
        <label for="action">Action</label>
        <input id="action" name="action" value={value('action')} placeholder="e.g. report.viewed, or report." aria-describedby={errors.action ? 'action-error' : undefined} />
        <FieldError id="action" message={errors.action} />
        <label for="report">Report</label>
        <input id="report" name="report" value={value('report')} placeholder="EMB-2026-0001" aria-describedby={errors.report ? 'report-error' : undefined} />
        <FieldError id="report" message={errors.report} />
        <label for="from">From</label>
        <input id="from" name="from" type="date" value={value('from')} />
        <FieldError id="from" message={errors.from} />
        <label for="to">To</label>
        <input id="to" name="to" type="date" value={value('to')} />
        <FieldError id="to" message={errors.to} />
        <button type="submit">Filter</button>
      </form>
      <p>
        Export what matches: <a href={`/staff/audit/export.csv${auditQuery(filter)}`}>CSV</a> ·{' '}
        <a href={`/staff/audit/export.jsonl${auditQuery(filter)}`}>JSON lines</a> (exporting is recorded in the log too)
      </p>
      {rows.length === 0 ? (
        <p class="empty">No entries match.</p>
      ) : (
        <table class="inbox audit">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Report</th>
              <th scope="col">On</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.seq}>
                <td>{r.seq}</td>
                <td>
                  <time dateTime={r.at.toISOString()}>{formatDate(r.at)}</time>
                </td>
                <td>{actorLabel(r)}</td>
                <td>
                  <code>{r.action}</code>
                </td>
                <td>{r.outcome}</td>
                <td>{r.reportReference ? <a href={`/staff/reports/${r.reportReference}`}>{r.reportReference}</a> : <span class="meta">—</span>}</td>
                <td>{r.target ?? <span class="meta">—</span>}</td>
                <td>
                  <code>{r.details === '{}' ? '' : r.details}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.olderThan ? (
        <p>
          <a href={`/staff/audit${auditQuery(filter, { before: props.olderThan })}`} rel="next">
            Older entries
          </a>
        </p>
      ) : null}
    </Layout>
  );
}
