import { OPEN_STATES, REPORT_STATES, STATE_LABELS, type ReportState } from '../../domain/lifecycle.ts';
import { INBOX_SORTS, type InboxPage as InboxData, type InboxQuery } from '../../reports/list-reports.ts';
import { Layout, formatDate, type PageChrome } from './layout.tsx';
import { BulkCheckbox, BulkToolbar } from './bulk-actions.tsx';

function queryString(q: Partial<InboxQuery>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function InboxPage(props: {
  chrome: PageChrome;
  query: InboxQuery;
  page: InboxData;
  counts: Record<ReportState, number>;
  products: { id: string; name: string }[];
  staff: { id: string; displayName: string }[];
  /** Reports waiting in the Quarantine tab. */
  quarantineCount?: number;
  /** CSRF token of the bulk-action form; without it the rows have no checkboxes. */
  bulkCsrf?: string;
}) {
  const { query, page, counts } = props;
  const openCount = OPEN_STATES.reduce((n, s) => n + counts[s], 0);
  const { after: _after, ...filters } = query;
  const tabs: [InboxQuery['state'], string, number | undefined][] = [
    ['open', 'Open', openCount],
    ['new', 'New', counts.new],
    ['needs-info', 'Waiting for reporter', counts['needs-info']],
    ['closed', 'Closed', undefined],
    ['all', 'All', undefined],
  ];
  const productName = new Map(props.products.map((p) => [p.id, p.name]));
  return (
    <Layout chrome={props.chrome} title="Inbox" wide>
      <h1>Inbox</h1>
      <nav aria-label="Report views" class="tabs">
        {tabs.map(([state, label, n]) => (
          <a key={state} href={`/staff/reports${queryString({ ...filters, state })}`} aria-current={query.state === state ? 'page' : undefined}>
            {label}
            {n !== undefined ? <span class="count">{n}</span> : null}
          </a>
        ))}
        <a href="/staff/reports/due">Due</a>
        <a href="/staff/reports/quarantine">
          Quarantine<span class="count">{props.quarantineCount ?? 0}</span>
        </a>
      </nav>
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
              <th scope="col">Assignee</th>
              <th scope="col">{query.sort === 'updated' ? 'Updated' : 'Received'}</th>
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
                  <a href={`/staff/reports/${r.reference}`}>{r.title}</a>
                  {r.possibleDuplicate ? <> <span class="badge badge-duplicate" title="Likely duplicates were found at submission">possible duplicate</span></> : null}
                </td>
                <td>{productName.get(r.product) ?? r.product}</td>
                <td>
                  <span class={`state state-${r.state}`}>{STATE_LABELS[r.state]}</span>
                </td>
                <td>{r.assigneeName ?? <span class="meta">—</span>}</td>
                <td>
                  <time dateTime={(query.sort === 'updated' ? r.updatedAt : r.createdAt).toISOString()}>
                    {formatDate(query.sort === 'updated' ? r.updatedAt : r.createdAt)}
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
