import { STATE_LABELS } from '../../domain/lifecycle.ts';
import { isLikelyDuplicate } from '../../triage/duplicate-suggestions.ts';
import type { DuplicateCandidate } from '../../triage/find-likely-duplicates.ts';
import type { TriageView } from '../../triage/load-triage-view.ts';
import { FieldError, formatDate } from './layout.tsx';

/**
 * Likely duplicates with the reason each was suggested, and marking this
 * report as a duplicate of another (by reference, typed or picked).
 */
export function DuplicatesPanel(props: { view: TriageView; base: string; csrf: string; canEdit: boolean; canMark: boolean }) {
  const { view } = props;
  const error = view.form.errors.original;
  // Only candidates that clear the bar of a hint are called likely; the rest stay one click away.
  const likely = view.duplicates.filter(isLikelyDuplicate);
  const similar = view.duplicates.filter((d) => !isLikelyDuplicate(d));
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
      {view.suggestedAtSubmission.length && !view.original && props.canEdit ? (
        <form method="post" action={`${props.base}/duplicate-hints/dismiss`} class="inline-form">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <button type="submit" class="link">Not a duplicate: dismiss this hint</button>
        </form>
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
      {view.original ? null : (
        <>
          {likely.length ? (
            <CandidateList candidates={likely} label="Likely duplicates" {...props} />
          ) : (
            <p class="meta">No likely duplicates found.</p>
          )}
          {similar.length ? (
            <details class="similar-reports">
              <summary>Other reports with some words in common ({similar.length})</summary>
              <CandidateList candidates={similar} label="Other reports with some words in common" {...props} />
            </details>
          ) : null}
        </>
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

/** Ranked candidates, each with why it came up and (for editors) "mark as duplicate of". */
function CandidateList(props: { candidates: DuplicateCandidate[]; label: string; base: string; csrf: string; canEdit: boolean; canMark: boolean }) {
  return (
    <form method="post" action={`${props.base}/duplicate`}>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <ol class="likely-duplicates" aria-label={props.label}>
        {props.candidates.map((d) => (
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
  );
}
