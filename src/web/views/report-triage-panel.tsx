import type { Report } from '../../db/schema.ts';
import { isUnanswered } from '../../domain/lifecycle.ts';
import type { TriageView } from '../../triage/load-triage-view.ts';
import { FieldError } from './layout.tsx';

const SEVERITY_LABELS: Record<string, string> = { none: 'None', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

function Field(props: { id: string; label: string; error?: string; hint?: string; children: preact.ComponentChildren }) {
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.hint ? <p class="hint" id={`${props.id}-hint`}>{props.hint}</p> : null}
      <FieldError id={props.id} message={props.error} />
      {props.children}
    </div>
  );
}

/**
 * The team's severity and weakness. Both work without JavaScript: the CVSS
 * vector is a text field scored on the server after saving, and the CWE is a
 * text field ("79" or "CWE-79") with suggestion buttons that submit the form.
 */
export function SeverityPanel(props: { view: TriageView; base: string; csrf: string; canEdit: boolean }) {
  const { view } = props;
  const { values, errors } = view.form;
  return (
    <section aria-labelledby="severity-h" class="triage-severity">
      <h2 id="severity-h">Severity</h2>
      <dl class="summary">
        <dt>Team’s CVSS</dt>
        <dd>
          {view.team ? (
            <>
              <strong class={`severity severity-${view.team.severity}`}>{view.team.score} {SEVERITY_LABELS[view.team.severity]}</strong>
              <br />
              <code class="vector">{view.team.vector}</code>
              {view.team.secondVector ? <><br /><code class="vector">{view.team.secondVector}</code></> : null}
            </>
          ) : (
            <span class="meta">not set</span>
          )}
        </dd>
        <dt>Reporter’s suggestion</dt>
        <dd>
          {view.reporterCvss ? (
            <>
              {view.reporterCvss.score !== null ? <span>{view.reporterCvss.score.toFixed(1)} </span> : <span class="meta">(not a valid vector) </span>}
              <code class="vector">{view.reporterCvss.vector}</code>
            </>
          ) : (
            <span class="meta">none given</span>
          )}
        </dd>
        <dt>Weakness</dt>
        <dd>{view.cwe ? view.cwe.label : <span class="meta">not set</span>}</dd>
      </dl>
      {props.canEdit ? (
        <>
          <form method="post" action={`${props.base}/severity`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <Field id="teamCvss" label="Team’s CVSS vector" error={errors.teamCvss} hint="CVSS 3.1 or 4.0, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H. Empty clears it.">
              <input id="teamCvss" name="teamCvss" data-cvss-picker="" value={values.teamCvss ?? view.team?.vector ?? ''} maxLength={300} spellcheck={false} autocomplete="off" />
            </Field>
            {/* Folded unless used, so the severity form stays within the first screen of the report page. */}
            <details class="second-vector" open={Boolean(errors.teamCvssSecond || values.teamCvssSecond || view.team?.secondVector)}>
              <summary>Add the other CVSS version (optional)</summary>
              <Field id="teamCvssSecond" label="Second vector, the other CVSS version (optional)" error={errors.teamCvssSecond} hint="A 3.1 vector beside a 4.0 one, or the reverse: the advisory carries both (CSAF 2.0 needs the 3.1 one). Only the first rates the report. Empty clears it.">
                <input id="teamCvssSecond" name="teamCvssSecond" value={values.teamCvssSecond ?? view.team?.secondVector ?? ''} maxLength={300} spellcheck={false} autocomplete="off" />
              </Field>
            </details>
            <button type="submit">Save severity</button>
          </form>
          <form method="post" action={`${props.base}/cwe`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <Field id="cwe" label="CWE" error={errors.cwe} hint="A number such as 79 or CWE-79. Empty clears it.">
              <input id="cwe" name="cwe" value={values.cwe ?? (view.cwe ? `CWE-${view.cwe.id}` : '')} maxLength={20} autocomplete="off" />
            </Field>
            <button type="submit">Save CWE</button>
            {view.cweSuggestions.length ? (
              <>
                <p class="hint">Suggested for this kind of vulnerability:</p>
                <ul class="cwe-picks">
                  {view.cweSuggestions.map((c) => (
                    <li key={c.id}>
                      <button type="submit" name="pick" value={String(c.id)} class="link">{c.label}</button>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </form>
          <form method="get" action={props.base} class="cwe-search" role="search">
            <Field id="cweq" label="Find a CWE">
              <input id="cweq" name="cweq" type="search" value={view.cweSearch?.query ?? ''} placeholder="e.g. sql injection, idor" />
            </Field>
            <button type="submit">Search</button>
          </form>
          {view.cweSearch ? (
            <form method="post" action={`${props.base}/cwe`}>
              <input type="hidden" name="_csrf" value={props.csrf} />
              {view.cweSearch.results.length ? (
                <ul class="cwe-picks">
                  {view.cweSearch.results.map((c) => (
                    <li key={c.id}>
                      <button type="submit" name="pick" value={String(c.id)} class="link">{c.label}</button>
                    </li>
                  ))}
                </ul>
              ) : (
                <p class="meta">No weakness matches “{view.cweSearch.query}”.</p>
              )}
            </form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/**
 * The first response (evaluation and expected resolution date, sent to the
 * reporter) and, once sent, moving that date, which needs a reason when later.
 */
export function EvaluationPanel(props: { view: TriageView; report: Report; base: string; csrf: string; canEdit: boolean }) {
  const { report, view } = props;
  const { values, errors } = view.form;
  const date = report.expected_resolution_date;
  if (!props.canEdit && !date) return null;
  return (
    <section aria-labelledby="evaluation-h" class="triage-evaluation">
      <h2 id="evaluation-h">Evaluation</h2>
      {date ? <p>Expected resolution: <strong>{date}</strong></p> : null}
      {props.canEdit && !date && isUnanswered(report.state, report.resume_state) ? (
        <form method="post" action={`${props.base}/acknowledge`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <Field id="evaluation" label="Evaluation (sent to the reporter)" error={errors.evaluation}>
            <textarea id="evaluation" name="evaluation" rows={5} maxLength={5000} required>{values.evaluation ?? ''}</textarea>
          </Field>
          <Field id="expectedResolutionDate" label="Expected resolution date" error={errors.expectedResolutionDate}>
            <input id="expectedResolutionDate" name="expectedResolutionDate" type="date" value={values.expectedResolutionDate ?? ''} required />
          </Field>
          <button type="submit" class="primary">Acknowledge and send</button>
        </form>
      ) : null}
      {props.canEdit && date ? (
        <form method="post" action={`${props.base}/resolution-date`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <Field id="newResolutionDate" label="Move the date to" error={errors.expectedResolutionDate}>
            <input id="newResolutionDate" name="date" type="date" value={values.date ?? date} required />
          </Field>
          <Field id="dateReason" label="Reason (shown to the reporter; required when later)" error={errors.dateReason}>
            <input id="dateReason" name="reason" value={values.reason ?? ''} maxLength={500} />
          </Field>
          <button type="submit">Change date</button>
        </form>
      ) : null}
    </section>
  );
}
