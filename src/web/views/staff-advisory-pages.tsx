import { CREDIT_ROLES } from '../../advisories/advisory-content.ts';
import type { Advisory } from '../../advisories/advisory.ts';
import type { StaffAdvisory } from '../../advisories/advisory-store.ts';
import { AdvisoryBody } from './advisory-pages.tsx';
import { ErrorSummary, FieldError, Layout, formatDate, type PageChrome } from './layout.tsx';
import type { DisclosureDate } from '../../disclosure/disclosure-rules.ts';
import { AdvisoryDisclosureField } from './disclosure-panels.tsx';

type Flash = { kind: 'error' | 'success'; message: string };

export interface StaffAdvisoryListRow {
  id: string;
  /** Null for a draft never published: the number is given at publication. */
  publicId: string | null;
  state: 'draft' | 'published';
  title: string | null;
  reportReference: string | null;
  updatedAt: Date;
  publishedAt: Date | null;
}

/** /staff/advisories: drafts being prepared and what is published. */
export function StaffAdvisoryListPage(props: { chrome: PageChrome; rows: StaffAdvisoryListRow[] }) {
  return (
    <Layout chrome={props.chrome} title="Advisories" wide>
      <h1>Advisories</h1>
      <p class="hint">
        Start an advisory from a report’s page (“Draft an advisory”). Drafts are encrypted at rest and visible to the team only; a lead or
        admin publishes them to <a href="/advisories">the public list</a>, the feeds and CSAF.
      </p>
      {props.rows.length === 0 ? <p class="empty">No advisories yet.</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col">Advisory</th>
              <th scope="col">State</th>
              <th scope="col">Title</th>
              <th scope="col">Report</th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.id}>
                <td class="ref"><a href={`/staff/advisories/${r.id}`}>{r.publicId ?? 'Draft'}</a></td>
                <td>{r.state === 'draft' ? 'Draft' : 'Published'}</td>
                <td>{r.title ?? <span class="meta">(draft: open it to read)</span>}</td>
                <td>{r.reportReference ? <a href={`/staff/reports/${r.reportReference}`}>{r.reportReference}</a> : '—'}</td>
                <td><time dateTime={r.updatedAt.toISOString()}>{formatDate(r.updatedAt)}</time></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

const LABELS: Record<string, string> = {
  title: 'Title', summary: 'Summary', details: 'Details', mitigation: 'Workarounds and mitigations', cveId: 'CVE id', cwe: 'Weakness (CWE)',
  cvssVector: 'CVSS 3.1 vector', cvssV4Vector: 'CVSS 4.0 vector', revisionSummary: 'What changed', confirm: 'Confirmation', publishEarly: 'Disclosure date',
};

function labelFor(field: string): string {
  const m = /^(product|credit|reference)\.(\d+)\./.exec(field);
  return m ? `${m[1] === 'product' ? 'Product' : m[1] === 'credit' ? 'Credit' : 'Reference'} ${Number(m[2]) + 1}` : (LABELS[field] ?? field);
}

function Text(props: { name: string; label: string; values: Record<string, string>; errors: Record<string, string>; hint?: string; max?: number; rows?: number; required?: boolean }) {
  const id = `adv-${props.name.replace(/\./g, '-')}`;
  const error = props.errors[props.name];
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}{props.required ? null : <span class="optional"> (optional)</span>}</label>
      {props.hint ? <p class="hint" id={`${id}-hint`}>{props.hint}</p> : null}
      <FieldError id={id} message={error} />
      {props.rows ? (
        <textarea id={id} name={props.name} rows={props.rows} maxLength={props.max}>{props.values[props.name] ?? ''}</textarea>
      ) : (
        <input id={id} name={props.name} maxLength={props.max} value={props.values[props.name] ?? ''} />
      )}
    </div>
  );
}

/** Row indexes to show: every filled row and one blank to add another without JavaScript. */
function rows(values: Record<string, string>, part: string): number[] {
  const used = Object.keys(values).map((k) => new RegExp(`^${part}\\.(\\d+)\\.`).exec(k)).filter((m) => m !== null).map((m) => Number(m[1]));
  const count = used.length ? Math.max(...used) + 1 : 0;
  return Array.from({ length: Math.min(count + 1, 50) }, (_, i) => i);
}

/**
 * /staff/advisories/:id: the editor. One form with three buttons (save,
 * preview, publish) so it works without JavaScript; the preview renders the
 * same component as the public page.
 */
export function AdvisoryEditorPage(props: {
  chrome: PageChrome;
  advisory: StaffAdvisory;
  products: readonly { id: string; name: string }[];
  values: Record<string, string>;
  errors: Record<string, string>;
  preview?: Advisory;
  canEdit: boolean;
  canPublish: boolean;
  flash?: Flash;
  csrf: string;
  /** The report's disclosure date (null: none proposed); absent for an advisory without a report. */
  disclosure?: DisclosureDate | null;
}) {
  const { advisory: a, values, errors } = props;
  const published = a.state === 'published';
  const disabled = !props.canEdit;
  return (
    <Layout chrome={props.chrome} title={a.publicId ? `Advisory ${a.publicId}` : 'Draft advisory'} wide>
      <p class="breadcrumbs"><a href="/staff/advisories">Advisories</a>{a.reportReference ? <> · from report <a href={`/staff/reports/${a.reportReference}`}>{a.reportReference}</a></> : null}</p>
      <h1>{a.publicId ?? 'Draft advisory'} <span class="meta">{published ? `published, revision ${a.revisions.length}` : a.publicId ? 'draft' : 'its number is given at publication'}</span></h1>
      {props.flash ? <p class={`notice ${props.flash.kind}`} role={props.flash.kind === 'error' ? 'alert' : 'status'}>{props.flash.message}</p> : null}
      {published && a.publicId ? <p>Public at <a href={`/advisories/${encodeURIComponent(a.publicId)}`}>/advisories/{a.publicId}</a>. Changes are published as a new revision with a note of what changed.</p> : (
        <p class="hint">This draft is encrypted at rest and seen by the team only. Credits name only reporters who chose to be credited; check them before publishing.</p>
      )}
      <ErrorSummary errors={errors} labels={Object.fromEntries(Object.keys(errors).map((k) => [k, labelFor(k)]))} />
      <form method="post" action={`/staff/advisories/${a.id}`} class="advisory-editor">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <fieldset disabled={disabled}>
          <legend>Text</legend>
          <Text name="title" label="Title" values={values} errors={errors} max={200} required />
          <Text name="summary" label="Summary" values={values} errors={errors} rows={3} max={1000} required hint="One short paragraph: what is wrong, who is affected, what to do." />
          <Text name="details" label="Details" values={values} errors={errors} rows={8} max={20000} hint="Markdown, no HTML. Do not include exploit code you would not want published." />
          <Text name="mitigation" label="Workarounds and mitigations" values={values} errors={errors} rows={4} max={5000} />
        </fieldset>
        <fieldset disabled={disabled}>
          <legend>Identifiers and scoring</legend>
          <Text name="cveId" label="CVE id" values={values} errors={errors} max={30} hint="e.g. CVE-2026-12345, once assigned; it then goes into every format (page, CSAF, OSV, CVE record)." />
          {a.content.cveId ? null : (
            <p class="hint">
              Not a CNA? Send a CNA this filled-in CVE request (from the saved draft):{' '}
              <a href={`/staff/advisories/${a.id}/cve-request.txt`}>as text</a> ·{' '}
              <a href={`/staff/advisories/${a.id}/cve-request.json`}>as a CVE JSON 5 CNA container</a>.
            </p>
          )}
          <Text name="cwe" label="Weakness (CWE)" values={values} errors={errors} max={20} hint="e.g. CWE-79, from the shipped CWE list." />
          <Text name="cvssVector" label="CVSS 3.1 vector" values={values} errors={errors} max={300} hint="The team’s CVSS 3.1 vector, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H; the score is computed from it. Needed with a 4.0 vector: CSAF 2.0 carries 3.x scores only." />
          <Text name="cvssV4Vector" label="CVSS 4.0 vector" values={values} errors={errors} max={300} hint="The team’s CVSS 4.0 vector, e.g. CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N. With both, the 4.0 score is the headline; every format carries each score it can hold." />
        </fieldset>
        <fieldset disabled={disabled}>
          <legend>Affected products</legend>
          <p class="hint">Versions from “introduced” (empty: all earlier) up to, not including, “fixed” (empty: no fix yet). Package coordinates are optional (OSV uses them). A purl or a CPE (e.g. cpe:2.3:h:example:gateway:*:*:*:*:*:*:*:*) lets scanners match the product in CSAF; the version is filled in per release.</p>
          <table class="rows">
            <thead><tr><th scope="col">Product</th><th scope="col">Introduced</th><th scope="col">Fixed</th><th scope="col">Ecosystem</th><th scope="col">Package</th><th scope="col">purl</th><th scope="col">CPE</th></tr></thead>
            <tbody>
              {rows(values, 'product').map((i) => {
                const k = (f: string) => `product.${i}.${f}`;
                const err = ['id', 'introduced', 'fixed', 'package', 'purl', 'cpe'].map((f) => errors[k(f)]).filter(Boolean).join(' ');
                return (
                  <tr key={i} class={err ? 'invalid' : undefined}>
                    <td>
                      <select name={k('id')} aria-label={`Product ${i + 1}`} id={`adv-product-${i}-id`}>
                        <option value="">—</option>
                        {props.products.map((p) => <option key={p.id} value={p.id} selected={values[k('id')] === p.id}>{p.name}</option>)}
                      </select>
                      {err ? <p class="field-error">{err}</p> : null}
                    </td>
                    {(['introduced', 'fixed', 'ecosystem', 'package', 'purl', 'cpe'] as const).map((f) => (
                      <td key={f}><input name={k(f)} aria-label={`Product ${i + 1} ${f}`} maxLength={f === 'purl' || f === 'cpe' ? 2000 : 200} value={values[k(f)] ?? ''} /></td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </fieldset>
        <fieldset disabled={disabled}>
          <legend>Credits</legend>
          <table class="rows">
            <thead><tr><th scope="col">Name</th><th scope="col">Role</th></tr></thead>
            <tbody>
              {rows(values, 'credit').map((i) => (
                <tr key={i}>
                  <td>
                    <input name={`credit.${i}.name`} aria-label={`Credit ${i + 1} name`} maxLength={200} value={values[`credit.${i}.name`] ?? ''} />
                    {errors[`credit.${i}.name`] ? <p class="field-error">{errors[`credit.${i}.name`]}</p> : null}
                  </td>
                  <td>
                    <select name={`credit.${i}.role`} aria-label={`Credit ${i + 1} role`}>
                      {Object.entries(CREDIT_ROLES).map(([role, label]) => <option key={role} value={role} selected={(values[`credit.${i}.role`] ?? 'finder') === role}>{label}</option>)}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </fieldset>
        <fieldset disabled={disabled}>
          <legend>References</legend>
          <table class="rows">
            <thead><tr><th scope="col">Address</th><th scope="col">Label</th></tr></thead>
            <tbody>
              {rows(values, 'reference').map((i) => (
                <tr key={i}>
                  <td>
                    <input name={`reference.${i}.url`} type="url" aria-label={`Reference ${i + 1} address`} maxLength={2000} value={values[`reference.${i}.url`] ?? ''} />
                    {errors[`reference.${i}.url`] ? <p class="field-error">{errors[`reference.${i}.url`]}</p> : null}
                  </td>
                  <td><input name={`reference.${i}.summary`} aria-label={`Reference ${i + 1} label`} maxLength={200} value={values[`reference.${i}.summary`] ?? ''} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </fieldset>
        {props.canEdit ? (
          <div class="actions">
            {published ? null : <button type="submit" name="intent" value="save">Save draft</button>}{' '}
            <button type="submit" name="intent" value="preview">Preview</button>
          </div>
        ) : null}
        {props.canPublish ? (
          <fieldset class="publish">
            <legend>{published ? 'Publish a revision' : 'Publish'}</legend>
            {published ? <Text name="revisionSummary" label="What changed" values={values} errors={errors} max={500} required hint="Readers see it in the revision history, e.g. “Added the fixed version for 3.x”." /> : (
              <p class="hint">Publishing makes the advisory public (page, feeds, CSAF, OSV, CVE JSON) and, when its report is fixed, marks the report disclosed and tells the reporter. Publish only on the agreed disclosure date.</p>
            )}
            {props.disclosure !== undefined ? <AdvisoryDisclosureField date={props.disclosure} now={new Date()} published={published} errors={errors} values={values} /> : null}
            <div class={errors.confirm ? 'field invalid' : 'field'}>
              <FieldError id="adv-confirm" message={errors.confirm} />
              <label><input type="checkbox" id="adv-confirm" name="confirm" value="yes" /> The disclosure is agreed and this text may be public.</label>
            </div>
            <button type="submit" name="intent" value="publish" class="primary">{published ? 'Publish revision' : 'Publish advisory'}</button>
          </fieldset>
        ) : props.canEdit ? <p class="hint">A lead or admin of the program publishes advisories.</p> : null}
      </form>
      {!published && props.canEdit ? (
        <form method="post" action={`/staff/advisories/${a.id}/discard`} class="inline">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <button type="submit" class="danger">Discard draft</button>
        </form>
      ) : null}
      {props.preview ? (
        <section class="preview" aria-labelledby="preview-h">
          <h2 id="preview-h">Preview (as the public will read it)</h2>
          <h1>{props.preview.title}</h1>
          <AdvisoryBody advisory={props.preview} />
        </section>
      ) : null}
    </Layout>
  );
}

/** The report page's advisory panel: start one, or go to it. */
export function ReportAdvisoryPanel(props: { reference: string; advisory: { id: string; publicId: string | null; state: 'draft' | 'published' } | undefined; canEdit: boolean; csrf: string; earlyNotice?: string | undefined; earlyNoticeHref?: string | undefined }) {
  const a = props.advisory;
  return (
    <section class="panel advisory-panel" aria-labelledby="advisory-h">
      <h2 id="advisory-h">Advisory</h2>
      {/* The program's early customer notice rule (src/subscriptions/early-notice.ts). */}
      {!a && props.earlyNotice ? <p class="notice early-notice" role="status">{props.earlyNotice}</p> : null}
      {props.earlyNoticeHref ? <p><a href={props.earlyNoticeHref}>Notify the product’s subscribers before publication (TLP:AMBER)</a></p> : null}
      {a ? (
        <p>
          <a href={`/staff/advisories/${a.id}`}>{a.publicId ?? 'Draft advisory'}</a> ({a.state === 'draft' ? 'draft' : 'published'})
          {a.state === 'published' && a.publicId ? <> · <a href={`/advisories/${encodeURIComponent(a.publicId)}`}>public page</a></> : null}
        </p>
      ) : props.canEdit ? (
        <form method="post" action={`/staff/reports/${props.reference}/advisory`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <button type="submit">Draft an advisory</button>
          <p class="hint">Pre-filled with the title, severity, weakness, product and the credits the reporters chose.</p>
        </form>
      ) : (
        <p class="meta">No advisory.</p>
      )}
    </section>
  );
}
