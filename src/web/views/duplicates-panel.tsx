import { STATE_LABELS } from '../../domain/lifecycle.ts';
import type { TriageView } from '../../triage/load-triage-view.ts';
import { FieldError, formatDate } from './layout.tsx';

/**
 * Likely duplicates with the reason each was suggested, and marking this
 * report as a duplicate of another (by reference, typed or picked).
 */
export function DuplicatesPanel(props: { view: TriageView; base: string; csrf: string; canEdit: boolean; canMark: boolean }) {
  const { view } = props;
  const error = view.form.errors.original;
  return (
    <section aria-labelledby="duplicates-h" class="duplicates">
      <h2 id="duplicates-h">Duplicates</h2>
      {view.original ? (
        <p>
          Duplicate of <a href={`/staff/reports/${view.original.reference}`}>{view.original.reference}</a> ({STATE_LABELS[view.original.state]}).
        </p>
      ) : null}
      {view.suggestedAtSubmission.length && !view.original ? (
        <p class="duplicate-suggested">
          Suggested at submission:{' '}
          {view.suggestedAtSubmission.map((s, i) => (
            <>
              {i ? ', ' : ''}
              <a href={`/staff/reports/${s.reference}`}>{s.reference}</a> <span class="meta">({s.reason})</span>
            </>
          ))}
        </p>
      ) : null}
      {view.duplicatesOfThis.length ? (
        <p>
          Reported again as:{' '}
          {view.duplicatesOfThis.map((d, i) => (
            <>
              {i ? ', ' : ''}
              <a href={`/staff/reports/${d.reference}`}>{d.reference}</a>
            </>
          ))}
        </p>
      ) : null}
      {view.original ? null : view.duplicates.length ? (
        <form method="post" action={`${props.base}/duplicate`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <ol class="likely-duplicates">
            {view.duplicates.map((d) => (
              <li key={d.reportId}>
                <a href={`/staff/reports/${d.reference}`}>{d.reference}</a> {d.title}{' '}
                <span class={`state state-${d.state}`}>{STATE_LABELS[d.state]}</span>{' '}
                <span class="meta">received {formatDate(d.createdAt)}; {d.reason}</span>
                {props.canEdit && props.canMark ? (
                  <>
                    {' '}
                    <button type="submit" name="original" value={d.reference} class="link">Mark as duplicate of {d.reference}</button>
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        </form>
      ) : (
        <p class="meta">No likely duplicates found.</p>
      )}
      {props.canEdit && props.canMark && !view.original ? (
        <form method="post" action={`${props.base}/duplicate`} class="inline-form">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <div class={error ? 'field invalid' : 'field'}>
            <label for="original">Duplicate of (reference)</label>
            <FieldError id="original" message={error} />
            <input id="original" name="original" value={view.form.values.original ?? ''} maxLength={40} placeholder="EMB-2026-0001" />
          </div>
          <button type="submit">Mark as duplicate</button>
        </form>
      ) : null}
    </section>
  );
}
