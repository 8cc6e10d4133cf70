import { STATE_LABELS, REPORT_STATES } from '../../domain/lifecycle.ts';
import type { BulkOutcome } from '../../triage/bulk-actions.ts';
import { summariseBulk } from '../../triage/bulk-actions.ts';
import { Layout, type PageChrome } from './layout.tsx';

/** The form the inbox's row checkboxes belong to (form="bulk"), so the table needs no wrapping and works without JavaScript. */
export function BulkToolbar(props: { csrf: string; staff: { id: string; displayName: string }[] }) {
  return (
    <form method="post" action="/staff/reports/bulk" id="bulk" class="bulk filters" aria-label="Change the selected reports">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <div class="field">
        <label for="bulk-assignee">Assign selected to</label>
        <select id="bulk-assignee" name="assignee">
          <option value="">Nobody</option>
          {props.staff.map((s) => (
            <option key={s.id} value={s.id}>{s.displayName}</option>
          ))}
        </select>
      </div>
      <button type="submit" name="action" value="assign">Assign</button>
      <div class="field">
        <label for="bulk-to">Move selected to</label>
        <select id="bulk-to" name="to">
          {REPORT_STATES.filter((s) => s !== 'new' && s !== 'spam').map((s) => (
            <option key={s} value={s}>{STATE_LABELS[s]}</option>
          ))}
        </select>
      </div>
      <button type="submit" name="action" value="state">Change status</button>
      <button type="submit" name="action" value="spam" class="danger">Close selected as spam</button>
    </form>
  );
}

/** A row's checkbox, outside the form element but submitted with it. */
export function BulkCheckbox(props: { id: string; reference: string }) {
  return <input type="checkbox" name="ids" value={props.id} form="bulk" aria-label={`Select ${props.reference}`} />;
}

/** What a bulk action did, report by report. */
export function BulkResultPage(props: { chrome: PageChrome; outcome: BulkOutcome; back: string }) {
  const { outcome } = props;
  return (
    <Layout chrome={props.chrome} title="Bulk action" wide>
      <h1>Bulk action</h1>
      <p class={`notice ${outcome.failed.length ? 'error' : 'success'}`} role={outcome.failed.length ? 'alert' : 'status'}>{summariseBulk(outcome)}</p>
      {outcome.changed.length ? (
        <>
          <h2>Changed</h2>
          <ul>
            {outcome.changed.map((ref) => (
              <li key={ref}><a href={`/staff/reports/${ref}`}>{ref}</a></li>
            ))}
          </ul>
        </>
      ) : null}
      {outcome.failed.length ? (
        <>
          <h2>Not changed</h2>
          <ul>
            {outcome.failed.map((f, i) => (
              <li key={i}>{f.reference}: {f.reason}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p><a href={props.back}>Back to the inbox</a></p>
    </Layout>
  );
}
