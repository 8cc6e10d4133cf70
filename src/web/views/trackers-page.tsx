import type { TrackerInput, TrackerView } from '../../trackers/manage-trackers.ts';
import { TRACKER_KINDS } from '../../trackers/manage-trackers.ts';
import type { TrackerPanelView } from '../../trackers/link-issue.ts';
import { Layout, type PageChrome } from './layout.tsx';
import { IssueForm } from './report-trackers-panel.tsx';

/** /staff/trackers: a program's issue trackers (GitHub, GitLab, Jira), for its admins. */
export function TrackersPage(props: {
  chrome: PageChrome;
  csrf: string;
  programs: { id: string; name: string }[];
  trackers: TrackerView[];
  form?: { values: TrackerInput; errors: Record<string, string> };
  flash?: string;
}) {
  const v = props.form?.values ?? { programId: props.programs[0]?.id ?? '', kind: 'github', baseUrl: '', project: '', account: '', token: '', labels: 'security', issueType: 'Bug', allowFullReport: false };
  const e = props.form?.errors ?? {};
  const programName = (id: string) => props.programs.find((p) => p.id === id)?.name ?? id;
  return (
    <Layout chrome={props.chrome} title="Issue trackers" wide>
      <h1>Issue trackers</h1>
      <p class="meta">
        Triagers can file a linked issue from a report in these trackers, with a title, summary and labels they choose; the full report only where
        you allow it. The report page shows the issue's state. Tokens are stored sealed and never shown again. Supported APIs: docs/integrations.md.
      </p>
      {props.flash ? <p class="notice success" role="status">{props.flash}</p> : null}
      {props.trackers.length === 0 ? <p class="empty">No tracker yet.</p> : (
        <table class="inbox trackers">
          <thead>
            <tr><th scope="col">Program</th><th scope="col">Tracker</th><th scope="col">Project</th><th scope="col">Labels</th><th scope="col">Full report</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr>
          </thead>
          <tbody>
            {props.trackers.map((t) => (
              <tr key={t.id}>
                <td>{programName(t.programId)}</td>
                <td>{TRACKER_KINDS[t.kind]} <code>{t.baseUrl}</code></td>
                <td>{t.project}</td>
                <td>{t.labels.join(', ')}</td>
                <td>{t.allowFullReport ? 'allowed' : 'never'}</td>
                <td>
                  <form method="post" action={`/staff/trackers/${t.id}/delete`}>
                    <input type="hidden" name="_csrf" value={props.csrf} />
                    <button type="submit" class="secondary">Remove</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add a tracker</h2>
      {Object.keys(e).length ? <p class="notice error" role="alert">Some fields need your attention.</p> : null}
      <form method="post" action="/staff/trackers">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label>Program <select name="programId">{props.programs.map((p) => <option key={p.id} value={p.id} selected={p.id === v.programId}>{p.name}</option>)}</select></label>
        <label>Kind <select name="kind">{Object.entries(TRACKER_KINDS).map(([k, label]) => <option key={k} value={k} selected={k === v.kind}>{label}</option>)}</select></label>
        {e.kind ? <p class="field-error">{e.kind}</p> : null}
        <label>API base URL <span class="meta">(empty: api.github.com or gitlab.com; Jira: your site)</span><input type="url" name="baseUrl" value={v.baseUrl} maxLength={500} /></label>
        {e.baseUrl ? <p class="field-error">{e.baseUrl}</p> : null}
        <label>Project <span class="meta">(GitHub owner/repo, GitLab id or path, Jira key)</span><input type="text" name="project" value={v.project} maxLength={200} /></label>
        {e.project ? <p class="field-error">{e.project}</p> : null}
        <label>Jira account e-mail <span class="meta">(Jira Cloud API tokens; empty: the token is a bearer token)</span><input type="text" name="account" value={v.account} maxLength={200} /></label>
        {e.account ? <p class="field-error">{e.account}</p> : null}
        <label>API token <input type="password" name="token" value="" autocomplete="off" /></label>
        {e.token ? <p class="field-error">{e.token}</p> : null}
        <label>Default labels <span class="meta">(comma-separated)</span><input type="text" name="labels" value={v.labels} maxLength={500} /></label>
        <label>Jira issue type <input type="text" name="issueType" value={v.issueType} maxLength={100} /></label>
        <label><input type="checkbox" name="allowFullReport" value="yes" checked={v.allowFullReport} /> Triagers may add the full report to an issue</label>
        <button type="submit">Add tracker</button>
      </form>
    </Layout>
  );
}

/** A refused "create a linked issue", shown on its own page with what was typed. */
export function IssueFormPage(props: { chrome: PageChrome; csrf: string; reference: string; view: TrackerPanelView; message: string }) {
  return (
    <Layout chrome={props.chrome} title={`Linked issue for ${props.reference}`}>
      <h1>Linked issue for <a href={`/staff/reports/${props.reference}`}>{props.reference}</a></h1>
      <p class="notice error" role="alert">{props.message}</p>
      <IssueForm view={props.view} base={`/staff/reports/${props.reference}`} csrf={props.csrf} />
    </Layout>
  );
}
