import { Layout, type PageChrome } from './layout.tsx';

type Person = { id: string; displayName: string };

/**
 * What a member of the program who is not named on a restricted report sees at
 * its address: that it exists, that it is restricted, and who may read it.
 * Never its title or contents. An admin of the program may add themselves with a reason.
 */
export function RestrictedReportPage(props: {
  chrome: PageChrome;
  reference: string;
  named: Person[];
  csrf: string;
  canGrantSelf: boolean;
  error?: string;
  reason?: string;
}) {
  return (
    <Layout chrome={props.chrome} title={`${props.reference} (restricted)`}>
      <p class="meta"><a href="/staff/reports">Inbox</a></p>
      <h1>{props.reference}: restricted</h1>
      <p>
        This report is restricted to named staff. Only they can read its title, contents, thread, notes and attachments.
      </p>
      <h2>Who may read it</h2>
      <ul class="restricted-named">
        {props.named.map((p) => <li key={p.id}>{p.displayName}</li>)}
      </ul>
      <p class="meta">Ask one of them, or a lead of the program named on it, to add you.</p>
      {props.canGrantSelf ? (
        <form method="post" action={`/staff/reports/${props.reference}/access/self`} class="stack">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <h2>Add yourself as an administrator</h2>
          <p class="meta">The reason is kept in the report’s timeline, and the audit log records that you added yourself.</p>
          {props.error ? <p class="notice error" role="alert" id="reason-error">{props.error}</p> : null}
          <label for="reason">Why do you need to read this report?</label>
          <textarea id="reason" name="reason" rows={3} maxLength={1000} required aria-describedby={props.error ? 'reason-error' : undefined}>{props.reason ?? ''}</textarea>
          <button type="submit" class="danger">Add me and record the reason</button>
        </form>
      ) : null}
    </Layout>
  );
}

/** The report page's access panel: who may read it, and for leads and admins named on it, the form to restrict, change or lift. */
export function ReportAccessPanel(props: { reference: string; named: Person[]; members: Person[]; csrf: string; canChange: boolean; restricted: boolean }) {
  const namedIds = new Set(props.named.map((p) => p.id));
  return (
    <section class="panel" aria-labelledby="access-heading" id="access">
      <h2 id="access-heading">Access</h2>
      {props.restricted ? (
        <p><strong>Restricted</strong> to: {props.named.map((p) => p.displayName).join(', ')}. Everyone else sees only that it exists.</p>
      ) : (
        <p>Every member of the program can read this report.</p>
      )}
      {props.canChange ? (
        <form method="post" action={`/staff/reports/${props.reference}/access`} class="stack">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <fieldset>
            <legend>{props.restricted ? 'Who may read it' : 'Restrict to'}</legend>
            {props.members.map((m) => (
              <label key={m.id} class="checkbox">
                <input type="checkbox" name="staff" value={m.id} checked={namedIds.has(m.id)} /> {m.displayName}
              </label>
            ))}
          </fieldset>
          <p class="meta">You stay named on a report you restrict.</p>
          <button type="submit" name="action" value="restrict">{props.restricted ? 'Save who may read it' : 'Restrict'}</button>
          {props.restricted ? <button type="submit" name="action" value="lift">Lift the restriction</button> : null}
        </form>
      ) : null}
    </section>
  );
}
