import { scoreCvss } from '../../domain/cvss-score.ts';
import { OPEN_STATES, REPORT_STATES, STATE_LABELS, type ReportState } from '../../domain/lifecycle.ts';
import type { InboxTabCounts } from '../../reports/inbox-counts.ts';
import { INBOX_SORTS, type InboxPage as InboxData, type InboxQuery, type InboxRow, type InboxSort } from '../../reports/list-reports.ts';
import { formatDuration } from '../../sla/sla-explain.ts';
import { Layout, formatDate, type PageChrome } from './layout.tsx';
import { BulkCheckbox, BulkToolbar } from './bulk-actions.tsx';

function queryString(q: Partial<InboxQuery>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The inbox's tabs, shared by the inbox and the Due view so their counts cannot disagree. */
export function InboxTabs(props: { current: InboxQuery['state'] | 'due'; filters: Partial<InboxQuery>; counts: InboxTabCounts }) {
  const { byState } = props.counts;
  const tabs: [InboxQuery['state'], string, number | undefined][] = [
    ['open', 'Open', OPEN_STATES.reduce((n, s) => n + byState[s], 0)],
    ['new', 'New', byState.new],
    ['needs-info', 'Waiting for reporter', byState['needs-info']],
    ['closed', 'Closed', undefined],
    ['all', 'All', undefined],
  ];
  return (
    <nav aria-label="Report views" class="tabs">
      {tabs.map(([state, label, n]) => (
        <a key={state} href={`/staff/reports${queryString({ ...props.filters, state })}`} aria-current={props.current === state ? 'page' : undefined}>
          {label}
          {n !== undefined ? <span class="count">{n}</span> : null}
        </a>
      ))}
      <a href="/staff/reports/due" aria-current={props.current === 'due' ? 'page' : undefined}>
        Due<span class="count">{props.counts.due}</span>
      </a>
      <a href="/staff/reports/quarantine">
        Quarantine<span class="count">{props.counts.quarantine}</span>
      </a>
    </nav>
  );
}

/** The team's severity and score; else the reporter's CVSS estimate, marked as theirs. */
function SeverityCell(props: { row: InboxRow }) {
  const { row } = props;
  if (row.severity && row.teamCvssScore !== null) {
    return (
      <>
        <span class={`severity severity-${row.severity}`}>{row.severity}</span> {row.teamCvssScore.toFixed(1)}
      </>
    );
  }
  const estimate = row.reporterCvssVector ? scoreCvss(row.reporterCvssVector) : undefined;
  if (estimate?.ok) {
    return (
      <span class="meta" title="The reporter’s CVSS estimate; the team has not scored the report yet">
        reporter: {estimate.value.score.toFixed(1)} {estimate.value.severity.toLowerCase()}
      </span>
    );
  }
  return <span class="meta">—</span>;
}

function DeadlineCell(props: { at: Date | null; now: Date }) {
  if (!props.at) return <span class="meta">—</span>;
  const ms = props.at.getTime() - props.now.getTime();
  return (
    <>
      <time dateTime={props.at.toISOString()}>{formatDate(props.at)}</time>{' '}
      {ms < 0 ? <span class="badge badge-overdue">overdue by {formatDuration(-ms)}</span> : <span class="meta">(due in {formatDuration(ms)})</span>}
    </>
  );
}

/** A column heading that sorts by its column: a plain link keeping the filters, so it works without JavaScript. */
function SortHeading(props: { sort: InboxSort; label: string; query: InboxQuery; filters: Partial<InboxQuery>; sortedBy?: readonly InboxSort[] }) {
  // The column is sorted when the current sort is one of its own (Received: newest or oldest).
  const current = (props.sortedBy ?? [props.sort]).includes(props.query.sort) ? props.query.sort : undefined;
  return (
    <th scope="col" aria-sort={current ? (current === 'deadline' || current === 'oldest' ? 'ascending' : 'descending') : undefined}>
      <a href={`/staff/reports${queryString({ ...props.filters, sort: props.sort })}`} title={`Sort: ${INBOX_SORTS[props.sort]}`}>
        {props.label}
      </a>
    </th>
  );
}

export function InboxPage(props: {
  chrome: PageChrome;
  query: InboxQuery;
  page: InboxData;
  counts: InboxTabCounts;
  products: { id: string; name: string }[];
  staff: { id: string; displayName: string }[];
  /** CSRF token of the bulk-action form; without it the rows have no checkboxes. */
  bulkCsrf?: string;
  /** The moment deadlines are told against ("overdue by…"). */
  now?: Date;
}) {
  const { query, page } = props;
  const now = props.now ?? new Date();
  const { after: _after, ...filters } = query;
  const timeColumn = query.sort === 'updated' ? 'updated' : 'created';
  const productName = new Map(props.products.map((p) => [p.id, p.name]));
  return (
    <Layout chrome={props.chrome} title="Inbox" wide>
      <h1>Inbox</h1>
      <InboxTabs current={query.state} filters={filters} counts={props.counts} />
      <form method="get" action="/staff/reports" class="filters" role="search">
        <div class="field">
          <label for="q">Search</label>
          <input id="q" name="q" type="search" value={query.q ?? ''} placeholder="Words or a reference" />
        </div>
        <div class="field">
          <label for="state">Status</label>
          <select id="state" name="state">
            <option value="open" selected={query.state === 'open'}>Open</option>
            <option value="closed" selected={query.state === 'closed'}>Closed</option>
            <option value="all" selected={query.state === 'all'}>All</option>
            {REPORT_STATES.map((s) => (
              <option key={s} value={s} selected={query.state === s}>{STATE_LABELS[s]}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="assignee">Assignee</label>
          <select id="assignee" name="assignee">
            <option value="" selected={!query.assignee}>Anyone</option>
            <option value="me" selected={query.assignee === 'me'}>Me</option>
            <option value="none" selected={query.assignee === 'none'}>Unassigned</option>
            {props.staff.map((s) => (
              <option key={s.id} value={s.id} selected={query.assignee === s.id}>{s.displayName}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="product">Product</label>
          <select id="product" name="product">
            <option value="" selected={!query.product}>Any</option>
            {props.products.map((p) => (
              <option key={p.id} value={p.id} selected={query.product === p.id}>{p.name}</option>
            ))}
            <option value="other" selected={query.product === 'other'}>Other</option>
          </select>
        </div>
        <div class="field">
          <label for="sort">Sort</label>
          <select id="sort" name="sort">
            {Object.entries(INBOX_SORTS).map(([k, label]) => (
              <option key={k} value={k} selected={query.sort === k}>{label}</option>
            ))}
          </select>
        </div>
        <button type="submit">Apply</button>
      </form>
      {page.rows.length === 0 ? (
        <p class="empty">No reports match these filters.</p>
      ) : (
        <>
        {props.bulkCsrf ? <BulkToolbar csrf={props.bulkCsrf} staff={props.staff} /> : null}
        <table class="inbox">
          <thead>
            <tr>
              {props.bulkCsrf ? <th scope="col"><span class="visually-hidden">Select</span></th> : null}
              <th scope="col">Reference</th>
              <th scope="col">Title</th>
              <th scope="col">Product</th>
              <th scope="col">Status</th>
              <SortHeading sort="severity" label="Severity" query={query} filters={filters} />
              <SortHeading sort="deadline" label="Next deadline" query={query} filters={filters} />
              <th scope="col">Assignee</th>
              {timeColumn === 'updated' ? (
                <SortHeading sort="updated" label="Updated" query={query} filters={filters} />
              ) : (
                <SortHeading sort={query.sort === 'newest' ? 'oldest' : 'newest'} sortedBy={['newest', 'oldest']} label="Received" query={query} filters={filters} />
              )}
            </tr>
          </thead>
          <tbody>
            {page.rows.map((r) => (
              <tr key={r.id}>
                {props.bulkCsrf ? <td class="select"><BulkCheckbox id={r.id} reference={r.reference} /></td> : null}
                <td class="ref">
                  <a href={`/staff/reports/${r.reference}`}>{r.reference}</a>
                </td>
                <td>
                  {r.restricted ? (
                    <a href={`/staff/reports/${r.reference}`}><span class="badge badge-restricted">restricted</span></a>
                  ) : (
                    <a href={`/staff/reports/${r.reference}`}>{r.title}</a>
                  )}
                  {r.possibleDuplicate ? <> <span class="badge badge-duplicate" title="Likely duplicates were found at submission">possible duplicate</span></> : null}
                </td>
                <td>{productName.get(r.product) ?? r.product}</td>
                <td>
                  <span class={`state state-${r.state}`}>{STATE_LABELS[r.state]}</span>
                </td>
                <td class="severity-cell">
                  <SeverityCell row={r} />
                </td>
                <td class="deadline">
                  <DeadlineCell at={r.nextDeadlineAt} now={now} />
                </td>
                <td>{r.assigneeName ?? <span class="meta">—</span>}</td>
                <td>
                  <time dateTime={(timeColumn === 'updated' ? r.updatedAt : r.createdAt).toISOString()}>
                    {formatDate(timeColumn === 'updated' ? r.updatedAt : r.createdAt)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </>
      )}
      <nav aria-label="Pages" class="pager">
        {query.after ? <a href={`/staff/reports${queryString(filters)}`}>↖ First page</a> : null}
        {page.next ? <a rel="next" href={`/staff/reports${queryString({ ...filters, after: page.next })}`}>Next page →</a> : null}
      </nav>
    </Layout>
  );
}
