import type { CannedResponse } from '../../canned/canned-responses.ts';
import { TEMPLATE_VARIABLES } from '../../canned/template-variables.ts';
import { CLOSURE_REASONS } from '../../triage/closure-reasons.ts';
import { FieldError, Layout, formatDate, type PageChrome } from './layout.tsx';
import { ProgramSwitcher, type ProgramChoice } from './program-switcher.tsx';

/** A refused form, shown again with what was typed: "new" or the template's id. */
export interface CannedFormState {
  target: string;
  values: Record<string, string>;
  errors: Record<string, string>;
}

function TemplateFields(props: { idPrefix: string; values: { title: string; body: string; closureReason: string }; errors: Record<string, string> }) {
  const { idPrefix: p, values, errors } = props;
  return (
    <>
      <div class={errors.title ? 'field invalid' : 'field'}>
        <label for={`${p}-title`}>Title</label>
        <FieldError id={`${p}-title`} message={errors.title} />
        <input id={`${p}-title`} name="title" maxLength={120} required value={values.title} />
      </div>
      <div class={errors.closureReason ? 'field invalid' : 'field'}>
        <label for={`${p}-reason`}>Closes as not applicable <span class="optional">(optional)</span></label>
        <FieldError id={`${p}-reason`} message={errors.closureReason} />
        <select id={`${p}-reason`} name="closureReason">
          <option value="" selected={!values.closureReason}>No: a reply template</option>
          {Object.entries(CLOSURE_REASONS).map(([id, r]) => (
            <option key={id} value={id} selected={values.closureReason === id}>Yes: {r.label}</option>
          ))}
        </select>
      </div>
      <div class={errors.body ? 'field invalid' : 'field'}>
        <label for={`${p}-body`}>Text</label>
        <FieldError id={`${p}-body`} message={errors.body} />
        <textarea id={`${p}-body`} name="body" rows={7} required>{values.body}</textarea>
      </div>
    </>
  );
}

/** /staff/canned-responses: the program's reply templates; admins edit them, everyone else reads them. */
export function CannedResponsesPage(props: {
  chrome: PageChrome;
  templates: CannedResponse[];
  canEdit: boolean;
  csrf: string;
  form?: CannedFormState;
  flash?: { kind: 'error' | 'success'; message: string };
  /** The program shown and the member's other programs (src/web/views/program-switcher.tsx). */
  switcher?: { path: string; current: string; programs: readonly ProgramChoice[] };
}) {
  const { form } = props;
  const valuesOf = (target: string, t?: CannedResponse) =>
    form?.target === target
      ? { title: form.values.title ?? '', body: form.values.body ?? '', closureReason: form.values.closureReason ?? '' }
      : { title: t?.title ?? '', body: t?.body ?? '', closureReason: t?.closureReason ?? '' };
  const errorsOf = (target: string) => (form?.target === target ? form.errors : {});
  return (
    <Layout chrome={props.chrome} title="Canned responses" wide>
      <h1>Canned responses</h1>
      {props.switcher ? <ProgramSwitcher {...props.switcher} /> : null}
      {props.flash ? <p class={`notice ${props.flash.kind}`} role={props.flash.kind === 'error' ? 'alert' : 'status'}>{props.flash.message}</p> : null}
      <p class="hint">
        Templates the team inserts into replies from a report’s page, or uses to close a report as not applicable. Variables are filled
        when a template is used:
      </p>
      <dl class="summary variables">
        {Object.entries(TEMPLATE_VARIABLES).map(([name, what]) => (
          <>
            <dt key={`t${name}`}><code>{`{{${name}}}`}</code></dt>
            <dd key={`d${name}`}>{what}</dd>
          </>
        ))}
      </dl>
      {props.templates.length === 0 ? <p class="empty">No templates yet.</p> : null}
      {props.templates.map((t) =>
        props.canEdit ? (
          <section key={t.id} class="canned" aria-label={t.title}>
            <form method="post" action={`/staff/canned-responses/${t.id}`}>
              <input type="hidden" name="_csrf" value={props.csrf} />
              {props.switcher ? <input type="hidden" name="program" value={props.switcher.current} /> : null}
              <TemplateFields idPrefix={`t-${t.id}`} values={valuesOf(t.id, t)} errors={errorsOf(t.id)} />
              <button type="submit">Save</button> <span class="meta">Last changed {formatDate(t.updatedAt)}</span>
            </form>
            <form method="post" action={`/staff/canned-responses/${t.id}/delete`} class="inline">
              <input type="hidden" name="_csrf" value={props.csrf} />
              {props.switcher ? <input type="hidden" name="program" value={props.switcher.current} /> : null}
              <button type="submit" class="danger">Delete “{t.title}”</button>
            </form>
          </section>
        ) : (
          <section key={t.id} class="canned">
            <h2>{t.title}</h2>
            {t.closureReason ? <p class="meta">Closes as not applicable: {CLOSURE_REASONS[t.closureReason].label}</p> : null}
            <div class="text">{t.body}</div>
          </section>
        ),
      )}
      {props.canEdit ? (
        <section aria-labelledby="new-h" class="canned">
          <h2 id="new-h">New template</h2>
          <form method="post" action="/staff/canned-responses">
            <input type="hidden" name="_csrf" value={props.csrf} />
            {props.switcher ? <input type="hidden" name="program" value={props.switcher.current} /> : null}
            <TemplateFields idPrefix="new" values={valuesOf('new')} errors={errorsOf('new')} />
            <button type="submit" class="primary">Add template</button>
          </form>
        </section>
      ) : (
        <p class="meta">Only the program’s admins can change these templates.</p>
      )}
    </Layout>
  );
}
