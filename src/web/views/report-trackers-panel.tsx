import type { TrackerPanelView } from '../../trackers/link-issue.ts';
import { TRACKER_KINDS } from '../../trackers/manage-trackers.ts';
import { formatDate } from './layout.tsx';

/** The report page's issue trackers: linked issues with their state, and a form to file one (src/trackers/). */
export function IssueTrackerPanel(props: { view: TrackerPanelView | undefined; base: string; csrf: string }) {
  const { view } = props;
  if (!view) return null;
  return (
    <section aria-labelledby="issues-h" id="issues">
      <h2 id="issues-h">Issue tracker</h2>
      {view.links.length === 0 ? <p class="meta">No linked issue yet.</p> : (
        <ul class="linked-issues">
          {view.links.map((l) => (
            <li key={l.url}>
              {TRACKER_KINDS[l.kind]} <a href={l.url} rel="noreferrer noopener">{l.externalId}</a>: <strong class="issue-state">{l.state}</strong>{' '}
              <span class="meta">({l.stale ? 'could not be read just now; as of' : 'as of'} {formatDate(l.checkedAt)})</span>
            </li>
          ))}
        </ul>
      )}
      {view.canCreate && view.trackers.length > 0 ? <IssueForm view={view} base={props.base} csrf={props.csrf} /> : null}
    </section>
  );
}

/** The "create a linked issue" form; also shown on its own with the errors when refused. */
export function IssueForm(props: { view: TrackerPanelView; base: string; csrf: string }) {
  const { values, errors } = props.view.form;
  const fullAllowed = props.view.trackers.some((t) => t.allowFullReport);
  return (
    <form method="post" action={`${props.base}/issues`} class="issue-form">
      <input type="hidden" name="_csrf" value={props.csrf} />
      {Object.keys(errors).length ? <p class="notice error" role="alert">The issue was not created: see below.</p> : null}
      <label>
        Tracker
        <select name="trackerId">
          {props.view.trackers.map((t) => <option key={t.id} value={t.id} selected={t.id === values.trackerId}>{t.label}</option>)}
        </select>
      </label>
      {errors.trackerId ? <p class="field-error">{errors.trackerId}</p> : null}
      <label>
        Title
        <input type="text" name="title" value={values.title} maxLength={250} required />
      </label>
      {errors.title ? <p class="field-error">{errors.title}</p> : null}
      <label>
        Summary <span class="meta">(what the tracker's readers see; the report's contents only if you write them here)</span>
        <textarea name="summary" rows={5}>{values.summary}</textarea>
      </label>
      {errors.summary ? <p class="field-error">{errors.summary}</p> : null}
      <label>
        Labels <span class="meta">(comma-separated)</span>
        <input type="text" name="labels" value={values.labels} maxLength={500} />
      </label>
      {fullAllowed ? (
        <label>
          <input type="checkbox" name="includeFullReport" value="yes" checked={values.includeFullReport} /> Add the full report (description, steps,
          impact)
        </label>
      ) : null}
      {errors.includeFullReport ? <p class="field-error">{errors.includeFullReport}</p> : null}
      <button type="submit">Create linked issue</button>
    </form>
  );
}
