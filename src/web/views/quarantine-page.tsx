import { AI_ASSISTANCE_CHOICES } from '../../domain/report-input.ts';
import { describeSpamSignal } from '../../triage/spam-signals.ts';
import type { QuarantineRow } from '../../triage/quarantine.ts';
import { Layout, formatDate, type PageChrome } from './layout.tsx';


function OneClick(props: { action: string; csrf: string; label: string; block?: boolean; danger?: boolean }) {
  return (
    <form method="post" action={props.action} class="inline">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="back" value="quarantine" />
      {props.block ? <input type="hidden" name="block" value="yes" /> : null}
      <button type="submit" class={props.danger ? 'danger' : undefined}>{props.label}</button>
    </form>
  );
}

/** The inbox's Quarantine tab: reports that looked like spam, why, and one-click decisions. */
export function QuarantinePage(props: { chrome: PageChrome; rows: QuarantineRow[]; csrf: string; canEdit: (row: QuarantineRow) => boolean; flash?: string }) {
  return (
    <Layout chrome={props.chrome} title="Quarantine" wide>
      <h1>Quarantine</h1>
      <nav aria-label="Report views" class="tabs">
        <a href="/staff/reports">Open</a>
        <a href="/staff/reports/due">Due</a>
        <a href="/staff/reports/quarantine" aria-current="page">Quarantine<span class="count">{props.rows.length}</span></a>
        <a href="/staff/reports?state=closed">Closed</a>
      </nav>
      {props.flash ? <p class="notice success" role="status">{props.flash}</p> : null}
      <p class="meta">
        Reports that looked like spam or low effort when they arrived. They were stored and acknowledged like any other; nobody was
        refused. Release the ones that are real, close the rest as spam (the reporter is not told).
      </p>
      {props.rows.length === 0 ? (
        <p class="empty">The quarantine is empty.</p>
      ) : (
        <table class="inbox quarantine">
          <thead>
            <tr>
              <th scope="col">Reference</th>
              <th scope="col">Title</th>
              <th scope="col">Why</th>
              <th scope="col">Received</th>
              <th scope="col">Decide</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => {
              const base = `/staff/reports/${r.reference}`;
              const ai = AI_ASSISTANCE_CHOICES.find(([id]) => id === r.aiAssistance)?.[1];
              return (
                <tr key={r.id}>
                  <td class="ref"><a href={base}>{r.reference}</a></td>
                  <td><a href={base}>{r.title}</a></td>
                  <td>
                    <ul class="reasons">
                      {r.reasons.map((code) => <li key={code}>{describeSpamSignal(code)}</li>)}
                    </ul>
                    {ai ? <span class="meta">AI assistance: {ai}</span> : null}
                  </td>
                  <td><time dateTime={r.createdAt.toISOString()}>{formatDate(r.createdAt)}</time></td>
                  <td>
                    {props.canEdit(r) ? (
                      <>
                        <OneClick action={`${base}/release`} csrf={props.csrf} label="Not spam: release" />{' '}
                        <OneClick action={`${base}/spam`} csrf={props.csrf} label="Close as spam" danger />{' '}
                        <OneClick action={`${base}/spam`} csrf={props.csrf} label="Spam + block sender" block danger />
                      </>
                    ) : (
                      <span class="meta">Read only</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
