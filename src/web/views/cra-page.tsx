import { CRA_KIND_LABELS, CRA_KINDS, CRA_STEP_ARTICLES, CRA_STEP_LABELS, CRA_STEPS, type CraKind, type CraStep } from '../../cra/cra-clocks.ts';
import { CRA_CHANNEL_LABELS, CRA_CHANNELS } from '../../cra/cra-actions.ts';
import { CRA_FIELDS, missingCraFields, type CraDraftValues } from '../../cra/cra-fields.ts';
import type { CraCaseView, CraView } from '../../cra/load-cra-view.ts';
import { toLocalInput } from '../../cra/local-moment.ts';
import { formatWallTime } from '../../calendar/zoned-time.ts';
import { CraClockTable } from './cra-clock-list.tsx';
import { EarlyNoticeForm } from './early-notice-page.tsx';
import { Layout, type PageChrome } from './layout.tsx';
import type { EarlyNoticeContent } from '../../early-notices/early-notice-content.ts';

/** What the CRA screen offers to inform users (Art. 14(8)): publishing the advisory and sending the early notice from there. */
export interface CraInforming {
  /** Why publishing now needs the explicit "publish before the agreed date" choice, if it does. */
  earlyPublication: string | undefined;
  twoPersonRule: boolean;
  canSendEarlyNotice: boolean;
  /** Why an early notice cannot be sent any more (published advisory, closed without fix). */
  earlyNoticeClosed: string | undefined;
  audience: { products: readonly { id: string; name: string; subscribers: number }[]; allProductSubscribers: number };
  earlyNoticeValues: EarlyNoticeContent & { confirm?: string };
  /** Early notices sent, newest first. */
  earlyNoticesSent: { sentAt: Date; recipients: number }[];
  /** Early notices waiting for a second person. */
  earlyNoticesWaiting: number;
}

const Csrf = (p: { csrf: string }) => <input type="hidden" name="_csrf" value={p.csrf} />;

/** Marking a report: which kind, and when the team became aware (wall clock in the program's zone). */
export function CraMarkForm(props: { base: string; csrf: string; marked: readonly CraKind[]; zone: string; values?: Record<string, string>; errors?: Record<string, string> }) {
  const kinds = CRA_KINDS.filter((k) => !props.marked.includes(k));
  if (kinds.length === 0) return null;
  return (
    <form method="post" action={`${props.base}/cra/mark`} class="cra-mark">
      <Csrf csrf={props.csrf} />
      <fieldset>
        <legend>Mark for CRA reporting (leads and admins)</legend>
        {kinds.map((k) => (
          <label key={k} class="choice">
            <input type="radio" name="kind" value={k} checked={props.values?.kind ? props.values.kind === k : k === kinds[0]} /> {CRA_KIND_LABELS[k]} ({k === 'exploited-vulnerability' ? 'Art. 14(1)' : 'Art. 14(3)'})
          </label>
        ))}
        <label for="cra-aware">When the team became aware ({props.zone})</label>
        <input id="cra-aware" type="datetime-local" name="awareAt" required value={props.values?.awareAt ?? ''} aria-describedby={props.errors?.awareAt ? 'cra-aware-err' : undefined} />
        {props.errors?.awareAt ? <p id="cra-aware-err" class="field-error">{props.errors.awareAt}</p> : null}
        {props.errors?.kind ? <p class="field-error">{props.errors.kind}</p> : null}
        <button type="submit">Mark and start the clocks</button>
      </fieldset>
    </form>
  );
}

export interface CraPageForm {
  /** Which form was refused: its values and messages come back. */
  target: string;
  values: Record<string, string>;
  errors: Record<string, string>;
}

/**
 * The CRA Article 14 screen of a report: each case's clocks, the measure, each
 * step's draft (pre-filled, editable, saved sealed), the required fields still
 * empty, the exports, the submissions recorded, and informing users (Art. 14(8)).
 */
export function CraPage(props: {
  chrome: PageChrome;
  reference: string;
  title: string;
  view: CraView;
  canDecide: boolean;
  canDraft: boolean;
  canPublish: boolean;
  informing: CraInforming;
  csrf: string;
  flash?: { kind: 'error' | 'success'; message: string };
  form?: CraPageForm;
}) {
  const { view } = props;
  const base = `/staff/reports/${props.reference}`;
  return (
    <Layout chrome={props.chrome} title={`EU CRA reporting: ${props.reference}`} wide>
      <p>
        <a href={base}>← {props.reference} {props.title}</a>
      </p>
      <h1>EU CRA reporting (Regulation (EU) 2024/2847, Art. 14)</h1>
      {props.flash ? (
        <p class={`notice ${props.flash.kind}`} role={props.flash.kind === 'error' ? 'alert' : 'status'}>{props.flash.message}</p>
      ) : null}
      <p class="meta">
        Embargo tracks the deadlines and prepares each notification; it does not submit anything to the single reporting platform. Submit there, then record the
        submission here to stop that step’s clock. Times are in {view.timeZone}.
      </p>
      {props.canDecide ? (
        <CraMarkForm base={base} csrf={props.csrf} marked={view.cases.map((c) => c.kind)} zone={view.timeZone} values={props.form?.target === 'mark' ? props.form.values : undefined} errors={props.form?.target === 'mark' ? props.form.errors : undefined} />
      ) : null}
      {view.cases.length === 0 ? <p class="empty">This report is not marked for CRA reporting.</p> : null}
      {view.cases.map((c) => (
        <CaseSection key={c.id} c={c} view={view} base={base} csrf={props.csrf} canDecide={props.canDecide} canDraft={props.canDraft} form={props.form} />
      ))}
      {view.cases.length ? <InformUsers view={view} base={base} csrf={props.csrf} canPublish={props.canPublish} canDecide={props.canDecide} informing={props.informing} form={props.form} /> : null}
    </Layout>
  );
}

function CaseSection(props: { c: CraCaseView; view: CraView; base: string; csrf: string; canDecide: boolean; canDraft: boolean; form?: CraPageForm }) {
  const { c, view } = props;
  const caseBase = `${props.base}/cra/${c.id}`;
  const formFor = (target: string) => (props.form?.target === target ? props.form : undefined);
  const measureForm = formFor(`measure:${c.id}`);
  return (
    <section aria-labelledby={`cra-${c.id}`} class="cra-case">
      <h2 id={`cra-${c.id}`}>{CRA_KIND_LABELS[c.kind]}</h2>
      <p>
        The team became aware <time dateTime={c.awareAt.toISOString()}>{formatWallTime(c.awareAt, view.timeZone, view.now)}</time>.
      </p>
      <CraClockTable clocks={c.clocks} zone={view.timeZone} now={view.now} />
      {props.canDecide ? (
        <form method="post" action={`${caseBase}/aware`}>
          <Csrf csrf={props.csrf} />
          <label for={`aware-${c.id}`}>Correct when the team became aware ({view.timeZone})</label>
          <input id={`aware-${c.id}`} type="datetime-local" name="awareAt" required value={formFor(`aware:${c.id}`)?.values.awareAt ?? toLocalInput(c.awareAt, view.timeZone)} />
          {formFor(`aware:${c.id}`)?.errors.awareAt ? <p class="field-error">{formFor(`aware:${c.id}`)!.errors.awareAt}</p> : null}
          <button type="submit">Correct</button>
        </form>
      ) : null}
      {c.kind === 'exploited-vulnerability' && props.canDecide ? (
        <form method="post" action={`${caseBase}/measure`}>
          <Csrf csrf={props.csrf} />
          <label for={`measure-${c.id}`}>A corrective or mitigating measure was available ({view.timeZone}; the final report is due 14 days later, Art. 14(2)(c))</label>
          <input id={`measure-${c.id}`} type="datetime-local" name="measureAt" required value={measureForm?.values.measureAt ?? (c.measureAvailableAt ? toLocalInput(c.measureAvailableAt, view.timeZone) : '')} />
          {measureForm?.errors.measureAt ? <p class="field-error">{measureForm.errors.measureAt}</p> : null}
          <button type="submit">Save</button>
        </form>
      ) : null}
      <h3>Submissions recorded</h3>
      {c.submissions.length ? (
        <ul>
          {c.submissions.map((s) => (
            <li key={s.id}>
              {CRA_STEP_LABELS[c.kind][s.step]}: <time dateTime={s.submittedAt.toISOString()}>{formatWallTime(s.submittedAt, view.timeZone, view.now)}</time>, {CRA_CHANNEL_LABELS[s.channel]}
              {s.reference ? <>, reference <code>{s.reference}</code></> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="meta">None yet.</p>
      )}
      {CRA_STEPS.map((step) => (
        <StepSection key={step} c={c} step={step} view={view} caseBase={caseBase} csrf={props.csrf} canDecide={props.canDecide} canDraft={props.canDraft} draftForm={formFor(`draft:${c.id}:${step}`)} submitForm={formFor(`submit:${c.id}:${step}`)} />
      ))}
    </section>
  );
}

function StepSection(props: { c: CraCaseView; step: CraStep; view: CraView; caseBase: string; csrf: string; canDecide: boolean; canDraft: boolean; draftForm?: CraPageForm; submitForm?: CraPageForm }) {
  const { c, step, view } = props;
  const draft = c.drafts[step];
  const values: CraDraftValues = props.draftForm ? props.draftForm.values : draft.values;
  const missing = missingCraFields(c.kind, step, draft.values);
  const id = `${c.id}-${step}`;
  return (
    <details class="cra-step" id={`step-${id}`} open={!!props.draftForm || !!props.submitForm}>
      <summary>
        {CRA_STEP_LABELS[c.kind][step]} <span class="meta">{CRA_STEP_ARTICLES[c.kind][step]}</span>
        {draft.saved ? null : <span class="meta"> · pre-filled, not saved yet</span>}
      </summary>
      {missing.length ? (
        <div class="notice warning" role="status">
          <p>Required by {CRA_STEP_ARTICLES[c.kind][step]} and not filled yet; an export now is marked incomplete:</p>
          <ul>
            {missing.map((m) => (
              <li key={m.key}>{m.label}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p class="meta">Every required field is filled.</p>
      )}
      <p>
        Export the saved draft: <a href={`${props.caseBase}/drafts/${step}.json`} download>JSON</a> · <a href={`${props.caseBase}/drafts/${step}.md`} download>readable document (Markdown)</a>
      </p>
      {props.canDraft ? (
        <form method="post" action={`${props.caseBase}/drafts/${step}`}>
          <Csrf csrf={props.csrf} />
          {CRA_FIELDS[c.kind][step].map((f) => (
            <p key={f.key}>
              <label for={`f-${id}-${f.key}`}>
                {f.label} <span class="meta">({f.article}{f.required ? ', required' : ''})</span>
              </label>
              <textarea id={`f-${id}-${f.key}`} name={f.key} rows={3}>{values[f.key] ?? ''}</textarea>
              {props.draftForm?.errors[f.key] ? <span class="field-error">{props.draftForm.errors[f.key]}</span> : null}
            </p>
          ))}
          <button type="submit">Save the draft</button>
        </form>
      ) : null}
      {props.canDecide ? (
        <form method="post" action={`${props.caseBase}/submissions`}>
          <Csrf csrf={props.csrf} />
          <input type="hidden" name="step" value={step} />
          <fieldset>
            <legend>Record the submission of this step</legend>
            <label for={`s-at-${id}`}>Submitted ({view.timeZone})</label>
            <input id={`s-at-${id}`} type="datetime-local" name="submittedAt" required value={props.submitForm?.values.submittedAt ?? toLocalInput(view.now, view.timeZone)} />
            {props.submitForm?.errors.submittedAt ? <span class="field-error">{props.submitForm.errors.submittedAt}</span> : null}
            <label for={`s-ch-${id}`}>Channel</label>
            <select id={`s-ch-${id}`} name="channel">
              {CRA_CHANNELS.map((ch) => (
                <option key={ch} value={ch} selected={(props.submitForm?.values.channel ?? 'single-reporting-platform') === ch}>{CRA_CHANNEL_LABELS[ch]}</option>
              ))}
            </select>
            <label for={`s-ref-${id}`}>Reference given by the CSIRT</label>
            <input id={`s-ref-${id}`} name="reference" maxLength={200} value={props.submitForm?.values.reference ?? ''} />
            {props.submitForm?.errors.reference ? <span class="field-error">{props.submitForm.errors.reference}</span> : null}
            <button type="submit">Record the submission</button>
          </fieldset>
        </form>
      ) : null}
    </details>
  );
}

function InformUsers(props: { view: CraView; base: string; csrf: string; canPublish: boolean; canDecide: boolean; informing: CraInforming; form?: CraPageForm }) {
  const a = props.view.advisory;
  const inf = props.informing;
  const f = props.form?.target === 'inform' ? props.form : undefined;
  const pf = props.form?.target === 'publish' ? props.form : undefined;
  const ef = props.form?.target === 'early-notice' ? props.form : undefined;
  const at = (d: Date) => <time dateTime={d.toISOString()}>{formatWallTime(d, props.view.timeZone, props.view.now)}</time>;
  return (
    <section aria-labelledby="cra-users-h">
      <h2 id="cra-users-h">Informing users (Art. 14(8))</h2>
      <p class="meta">
        From here: publish the advisory (it notifies the program’s subscribers who follow the product), or, before it is public, send subscribers an early
        notice (TLP:AMBER) with what they can do now. Both keep the checks of their own pages (role, agreed disclosure date, two-person rule); the timeline
        records when.
      </p>
      <h3>The advisory</h3>
      {!a ? (
        <p>
          No advisory yet. <a href={`${props.base}#group-disclosure`}>Draft one from the report page</a>.
        </p>
      ) : a.state === 'published' ? (
        <p>
          Advisory <a href={`/advisories/${encodeURIComponent(a.publicId ?? '')}`}>{a.publicId}</a> published
          {a.publishedAt ? <> {at(a.publishedAt)}</> : null}; subscribers were notified.
        </p>
      ) : (
        <>
          <p>
            The advisory is a draft. <a href={`/staff/advisories/${a.id}`}>{props.canPublish ? 'Review it in the editor' : 'Open it'}</a>
            {props.canPublish ? null : <span class="meta"> (a lead or admin publishes it)</span>}.
          </p>
          {props.canPublish ? (
            <form method="post" action={`${props.base}/cra/publish-advisory`} class="cra-publish">
              <Csrf csrf={props.csrf} />
              <fieldset>
                <legend>Publish the advisory as saved (notifies subscribers)</legend>
                {pf?.errors.advisory ? <p class="field-error">{pf.errors.advisory}</p> : null}
                {inf.earlyPublication ? (
                  <>
                    <p class="hint">{inf.earlyPublication}</p>
                    <label class="choice">
                      <input type="checkbox" name="publishEarly" value="yes" checked={pf?.values.publishEarly === 'yes'} /> Publish before the agreed date
                    </label>
                    {pf?.errors.publishEarly ? <p class="field-error">{pf.errors.publishEarly}</p> : null}
                  </>
                ) : null}
                <label class="choice">
                  <input type="checkbox" name="confirm" value="yes" checked={pf?.values.confirm === 'yes'} /> The disclosure is agreed and the text may be public.
                </label>
                {pf?.errors.confirm ? <p class="field-error">{pf.errors.confirm}</p> : null}
                {inf.twoPersonRule ? <p class="hint">This program has the two-person rule: the publication waits for another lead or admin to approve it (Approvals page).</p> : null}
                <button type="submit">{inf.twoPersonRule ? 'Ask for approval to publish' : 'Publish the advisory'}</button>
              </fieldset>
            </form>
          ) : null}
        </>
      )}
      <h3>Early notice to subscribers (TLP:AMBER)</h3>
      {inf.earlyNoticesSent.length ? (
        <p>
          Early notices sent:{' '}
          {inf.earlyNoticesSent.map((n, i) => (
            <span key={i}>
              {i ? ', ' : ''}
              {at(n.sentAt)} to {n.recipients} subscriber{n.recipients === 1 ? '' : 's'}
            </span>
          ))}
          . <a href={`${props.base}/early-notice`}>Their words</a>
        </p>
      ) : (
        <p class="meta">None sent yet.</p>
      )}
      {inf.earlyNoticesWaiting ? <p class="meta">{inf.earlyNoticesWaiting} waiting for a second person (Approvals page).</p> : null}
      {inf.earlyNoticeClosed ? (
        <p class="meta">{inf.earlyNoticeClosed}</p>
      ) : inf.canSendEarlyNotice ? (
        <details open={!!ef}>
          <summary>Compose an early notice</summary>
          <EarlyNoticeForm
            action={`${props.base}/cra/early-notice`}
            products={inf.audience.products}
            allProductSubscribers={inf.audience.allProductSubscribers}
            twoPersonRule={inf.twoPersonRule}
            values={inf.earlyNoticeValues}
            errors={ef?.errors ?? {}}
            csrf={props.csrf}
          />
        </details>
      ) : (
        <p class="meta">Only a lead or admin of the program sends an early customer notice.</p>
      )}
      <h3>Another way</h3>
      {props.view.usersInformed.length ? (
        <p>
          Users informed another way:{' '}
          {props.view.usersInformed.map((d, i) => (
            <span key={i}>
              {i ? ', ' : ''}
              <time dateTime={d.toISOString()}>{formatWallTime(d, props.view.timeZone, props.view.now)}</time>
            </span>
          ))}{' '}
          <span class="meta">(how: in the timeline)</span>
        </p>
      ) : null}
      {props.canDecide ? (
        <form method="post" action={`${props.base}/cra/inform-users`}>
          <Csrf csrf={props.csrf} />
          <fieldset>
            <legend>Record that users were informed another way</legend>
            <label for="inform-at">When ({props.view.timeZone})</label>
            <input id="inform-at" type="datetime-local" name="informedAt" required value={f?.values.informedAt ?? toLocalInput(props.view.now, props.view.timeZone)} />
            {f?.errors.informedAt ? <span class="field-error">{f.errors.informedAt}</span> : null}
            <label for="inform-how">How (e.g. in-product notice, mail to customers)</label>
            <input id="inform-how" name="how" required maxLength={200} value={f?.values.how ?? ''} />
            {f?.errors.how ? <span class="field-error">{f.errors.how}</span> : null}
            <button type="submit">Record</button>
          </fieldset>
        </form>
      ) : null}
    </section>
  );
}
