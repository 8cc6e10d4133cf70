import { POLICY_SECTIONS, REQUIRED_SECTIONS } from '../../policy/policy-sections.ts';
import { POLICY_PLACEHOLDERS } from '../../policy/policy-text.ts';
import type { PolicySections } from '../../programs/program-config.ts';
import type { Program } from '../../programs/programs.ts';
import { ErrorSummary, FieldError, Layout, formatDate, type PageChrome } from './layout.tsx';
import { PolicySectionsView } from './public-pages.tsx';
import { ProgramSwitcher, type ProgramChoice } from './program-switcher.tsx';

const HEADINGS = Object.fromEntries(POLICY_SECTIONS) as Record<string, string>;

export function PolicyEditorPage(props: {
  chrome: PageChrome;
  program: Program;
  csrf: string;
  sections: PolicySections;
  note: string;
  errors: Record<string, string>;
  preview: boolean;
  /** Who owns the policy (src/policy/policy-versions.ts policyOwner). */
  owner: { kind: 'file' } | { kind: 'editor'; version: number };
  /** The member's other programs (src/web/views/program-switcher.tsx). */
  switcher?: { path: string; current: string; programs: readonly ProgramChoice[] };
  /** The program's public base URL (its own host), for the link to its history. */
  publicUrl?: string;
}) {
  const { program, sections, errors } = props;
  return (
    <Layout chrome={props.chrome} title="Edit the policy" wide>
      <h1>Edit the disclosure policy</h1>
      {props.switcher ? <ProgramSwitcher {...props.switcher} /> : null}
      <p class="meta">
        Current: version {program.policy.version}, published {formatDate(program.policy.publishedAt)}. Publishing creates version{' '}
        {program.policy.version + 1}; earlier versions stay readable in the <a href={`${props.publicUrl ?? ''}/policy/history`}>history</a>.
      </p>
      {props.owner.kind === 'file' ? (
        <p class="notice">
          This policy comes from the configuration file (embargo.config.json), which publishes a new version whenever its text changes.
          Publishing here makes the editor its owner: the file’s policy is then ignored, and the server warns at start when the two differ.
        </p>
      ) : (
        <p class="notice">
          This policy is published in this editor (since version {props.owner.version}): the policy in the configuration file is ignored.
        </p>
      )}
      <p class="hint">
        Markdown, without HTML. Placeholders, filled from the program’s settings:{' '}
        {POLICY_PLACEHOLDERS.map((p, i) => (
          <>
            {i ? '; ' : ''}
            <code>{`{{${p.name}}}`}</code> ({p.means}, now “{p.fill(program.config)}”)
          </>
        ))}
        .
      </p>
      <ErrorSummary errors={errors} labels={{ ...HEADINGS, note: 'Change note', _form: '' }} />
      <div class={props.preview ? 'editor-layout with-preview' : 'editor-layout'}>
        <form method="post" action="/staff/policy">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="program" value={program.slug} />
          {POLICY_SECTIONS.map(([key, heading]) => (
            <div key={key} class={errors[key] ? 'field invalid' : 'field'}>
              <label for={key}>
                {heading}
                {REQUIRED_SECTIONS.includes(key) ? null : <span class="optional"> (optional)</span>}
              </label>
              <FieldError id={key} message={errors[key]} />
              <textarea id={key} name={key} rows={key === 'introduction' || key === 'privacy' ? 4 : 7}>
                {sections[key] ?? ''}
              </textarea>
            </div>
          ))}
          <div class={errors.note ? 'field invalid' : 'field'}>
            <label for="note">
              Change note <span class="optional">(why it changes; required to publish, shown in the public history)</span>
            </label>
            <FieldError id="note" message={errors.note} />
            <input id="note" name="note" maxLength={300} value={props.note} />
          </div>
          <p>
            <button type="submit" name="action" value="preview">
              Preview
            </button>{' '}
            <button type="submit" name="action" value="publish" class="primary">
              Publish version {program.policy.version + 1}
            </button>
          </p>
        </form>
        {props.preview ? (
          <section class="preview" aria-labelledby="preview-h">
            <h2 id="preview-h">Preview</h2>
            <div class="preview-body">
              <PolicySectionsView program={program} sections={sections} />
            </div>
          </section>
        ) : null}
      </div>
    </Layout>
  );
}
