import type { BlockListEntry } from '../../triage/block-list.ts';
import { Layout, formatDate, type PageChrome } from './layout.tsx';

/** /staff/blocks: the programs' block lists, for their admins, with a remove button per entry. */
export function BlocksPage(props: { chrome: PageChrome; csrf: string; entries: BlockListEntry[]; flash?: string }) {
  const { entries } = props;
  return (
    <Layout chrome={props.chrome} title="Block list" wide>
      <h1>Block list</h1>
      <p class="meta">
        What a blocked sender submits is stored and acknowledged as usual, but waits in the Quarantine tab. E-mail addresses stay blocked until
        removed; IP addresses, which many people may share, are blocked only when an admin chooses it, and only until the expiry shown. Only keyed
        hashes are stored, never the addresses. Removing an entry is recorded in the timeline of the report it came from.
      </p>
      {props.flash ? <p class="notice success" role="status">{props.flash}</p> : null}
      {entries.length === 0 ? (
        <p class="empty">Nobody is blocked.</p>
      ) : (
        <table class="inbox blocks">
          <thead>
            <tr>
              <th scope="col">Program</th>
              <th scope="col">Blocked</th>
              <th scope="col">When</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
              <th scope="col">Report</th>
              <th scope="col">Until</th>
              <th scope="col"><span class="visually-hidden">Remove</span></th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} class={e.expired ? 'expired' : undefined}>
                <td>{e.programName}</td>
                <td>{e.kind === 'ip' ? 'IP address' : 'E-mail address'}</td>
                <td>
                  <time dateTime={e.createdAt.toISOString()}>{formatDate(e.createdAt)}</time>
                </td>
                <td>{e.blockedBy ?? <span class="meta">—</span>}</td>
                <td>{e.reason}</td>
                <td>{e.reportReference ? <a href={`/staff/reports/${e.reportReference}`}>{e.reportReference}</a> : <span class="meta">—</span>}</td>
                <td>
                  {e.expiresAt ? <time dateTime={e.expiresAt.toISOString()}>{formatDate(e.expiresAt)}</time> : 'Removed by hand'}
                  {e.expired ? <> <span class="badge">expired: no longer counts</span></> : null}
                </td>
                <td>
                  <form method="post" action={`/staff/blocks/${e.id}/remove`} class="inline">
                    <input type="hidden" name="_csrf" value={props.csrf} />
                    <button type="submit">Remove</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
