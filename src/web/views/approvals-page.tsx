import { ACTION_WORDS } from '../../approvals/second-person.ts';
import type { PendingApproval } from '../../approvals/list-approvals.ts';
import { Layout, formatDate, type PageChrome } from './layout.tsx';

function choice(p: PendingApproval): string {
  if (p.action === 'close-not-applicable' && typeof p.params.reason === 'string') return `Reason: ${p.params.reason}`;
  if (p.action === 'close-spam' && p.params.block && typeof p.params.block === 'object') return 'And block the sender';
  return '';
}

/** /staff/approvals: what waits for a second person (two-person rule), and each program's setting. */
export function ApprovalsPage(props: {
  chrome: PageChrome;
  csrf: string;
  userId: string;
  pending: PendingApproval[];
  settings: { id: string; name: string; on: boolean; editable: boolean }[];
  flash?: { kind: 'success' | 'error'; message: string };
}) {
  return (
    <Layout chrome={props.chrome} title="Approvals" wide>
      <h1>Approvals</h1>
      <p class="meta">
        Under a program's two-person rule, closing a report as not applicable or spam and publishing an advisory wait here until another lead or
        admin approves; approving carries it out as it was asked. Requests and decisions are in the report's timeline and the audit log.
      </p>
      {props.flash ? (
        <p class={`notice ${props.flash.kind}`} role={props.flash.kind === 'error' ? 'alert' : 'status'}>
          {props.flash.message}
        </p>
      ) : null}
      {props.pending.length === 0 ? (
        <p class="empty">Nothing waits for approval.</p>
      ) : (
        <table class="inbox approvals">
          <thead>
            <tr>
              <th scope="col">Program</th>
              <th scope="col">Asked</th>
              <th scope="col">Of</th>
              <th scope="col">By</th>
              <th scope="col">When</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {props.pending.map((p) => (
              <tr key={p.id}>
                <td>{p.programName}</td>
                <td>
                  {ACTION_WORDS[p.action]}
                  {choice(p) ? <span class="meta"> ({choice(p)})</span> : null}
                </td>
                <td>
                  {p.reportReference ? <a href={`/staff/reports/${p.reportReference}`}>{p.reportReference}</a> : null}
                  {p.advisoryId ? <> <a href={`/staff/advisories/${p.advisoryId}`}>advisory</a></> : null}
                </td>
                <td>{p.requestedBy}</td>
                <td>
                  <time dateTime={p.requestedAt.toISOString()}>{formatDate(p.requestedAt)}</time>
                </td>
                <td>
                  {p.requestedById === props.userId ? (
                    <span class="meta">Your request: someone else decides</span>
                  ) : (
                    <form method="post" action={`/staff/approvals/${p.id}`} class="inline">
                      <input type="hidden" name="_csrf" value={props.csrf} />
                      <button type="submit" name="decision" value="approve">Approve</button>{' '}
                      <button type="submit" name="decision" value="decline">Decline</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Two-person rule</h2>
      <ul>
        {props.settings.map((s) => (
          <li key={s.id}>
            {s.name}: {s.on ? 'on' : 'off'}
            {s.editable ? (
              <form method="post" action="/staff/approvals/settings" class="inline">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <input type="hidden" name="programId" value={s.id} />
                <input type="hidden" name="on" value={s.on ? 'no' : 'yes'} />{' '}
                <button type="submit">{s.on ? 'Turn off' : 'Turn on'}</button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
    </Layout>
  );
}
