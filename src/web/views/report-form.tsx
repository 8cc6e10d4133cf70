import { SUBMISSION_CREDIT_CHOICES, VULNERABILITY_TYPES } from '../../domain/report-input.ts';
import { AiAssistanceField } from './ai-assistance-field.tsx';
import type { Program } from '../../programs/programs.ts';
import { ErrorSummary, FieldError, Layout, formatSize, type PageChrome } from './layout.tsx';
import { Markdown } from './markdown.tsx';
import { policyText } from '../../policy/policy-text.ts';
import { firstResponseWords } from '../../policy/promise-words.ts';

export const REPORT_FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  product: 'Affected product',
  productVersion: 'Affected version',
  vulnerabilityType: 'Kind of vulnerability',
  description: 'Description',
  stepsToReproduce: 'Steps to reproduce',
  impact: 'Impact',
  cvssVector: 'CVSS vector',
  attachments: 'Attachments',
  reporterName: 'Name',
  reporterHandle: 'Handle',
  reporterEmail: 'E-mail',
  publicKey: 'Your OpenPGP public key',
  creditPreference: 'Credit',
  aiAssistance: 'AI tools',
  acceptPolicy: 'Policy',
};

type Values = Record<string, string | undefined>;

function describedBy(name: string, errors: Record<string, string>, hint = false): string | undefined {
  const ids = [hint ? `${name}-hint` : '', errors[name] ? `${name}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

function TextField(props: { name: string; values: Values; errors: Record<string, string>; required?: boolean; hint?: string; type?: 'text' | 'email'; autocomplete?: string; maxLength?: number }) {
  const { name, errors } = props;
  return (
    <div class={errors[name] ? 'field invalid' : 'field'}>
      <label for={name}>
        {REPORT_FIELD_LABELS[name]}
        {props.required ? null : <span class="optional"> (optional)</span>}
      </label>
      {props.hint ? <p class="hint" id={`${name}-hint`}>{props.hint}</p> : null}
      <FieldError id={name} message={errors[name]} />
      <input
        id={name}
        name={name}
        type={(props.type ?? 'text') as 'text'}
        value={props.values[name] ?? ''}
        required={props.required}
        maxLength={props.maxLength}
        autoComplete={props.autocomplete ?? 'off'}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={describedBy(name, errors, Boolean(props.hint))}
      />
    </div>
  );
}

function TextArea(props: { name: string; values: Values; errors: Record<string, string>; hint: string; rows?: number }) {
  const { name, errors } = props;
  return (
    <div class={errors[name] ? 'field invalid' : 'field'}>
      <label for={name}>{REPORT_FIELD_LABELS[name]}</label>
      <p class="hint" id={`${name}-hint`}>{props.hint}</p>
      <FieldError id={name} message={errors[name]} />
      <textarea
        id={name}
        name={name}
        rows={props.rows ?? 8}
        required
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={describedBy(name, errors, true)}
      >
        {props.values[name] ?? ''}
      </textarea>
    </div>
  );
}

export function ReportFormPage(props: {
  chrome: PageChrome;
  program: Program;
  csrf: string;
  values: Values;
  errors: Record<string, string>;
  limits: { maxFiles: number; maxBytes: number };
  /** Script that encrypts the form in the browser; only offered when the program has a key. */
  encryptionScript: string | undefined;
}) {
  const { program, values, errors } = props;
  // The program's policy decides what happens when the reporter does not choose (docs/configuration.md).
  const credit = values.creditPreference ?? (program.config.credit === 'unless-declined' ? 'given' : 'none');
  return (
    <Layout chrome={props.chrome} title="Report a vulnerability" scripts={props.encryptionScript ? [props.encryptionScript] : []}>
      <h1>Report a vulnerability</h1>
      <p>
        Tell us what you found. Everything you send is handled confidentially, and we respond {firstResponseWords(program.config.sla)}.
        You will get a private link to follow your report; no account is needed. Fields marked optional can be left empty.
      </p>
      <ErrorSummary errors={errors} labels={REPORT_FIELD_LABELS} />
      <p id="encryption-status" class="notice" role="status" hidden>
        {/* Filled in by the encryption script when JavaScript runs. */}
      </p>
      <noscript>
        {props.chrome.secure ? (
          <p class="notice">JavaScript is off: your report is protected by the encrypted connection (TLS) to this site.</p>
        ) : (
          <p class="notice error">
            JavaScript is off, and this page was reached over plain http: what you send is not encrypted on its way to us. For anything sensitive, write to{' '}
            <a href={`mailto:${program.config.contactEmail}`}>{program.config.contactEmail}</a>
            {props.encryptionScript ? <>, encrypted with <a href="/pgp-key.txt">our OpenPGP key</a></> : null}.
          </p>
        )}
      </noscript>
      <form method="post" action="/report" enctype="multipart/form-data" novalidate data-encrypt-to={props.encryptionScript ? '/pgp-key.txt' : undefined}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="policyVersion" value={String(program.policy.version)} />
        <fieldset>
          <legend>The vulnerability</legend>
          <TextField name="title" values={values} errors={errors} required maxLength={200} hint="One line, e.g. “Stored XSS in the admin user list”." />
          <div class={errors.product ? 'field invalid' : 'field'}>
            <label for="product">{REPORT_FIELD_LABELS.product}</label>
            <FieldError id="product" message={errors.product} />
            <select id="product" name="product" required aria-invalid={errors.product ? 'true' : undefined} aria-describedby={describedBy('product', errors)}>
              <option value="" selected={!values.product}>Choose a product…</option>
              {program.config.products.map((p) => (
                <option key={p.id} value={p.id} selected={values.product === p.id}>{p.name}</option>
              ))}
              <option value="other" selected={values.product === 'other'}>Other / not sure</option>
            </select>
          </div>
          <TextField name="productVersion" values={values} errors={errors} required maxLength={100} hint="Version, build or URL where you saw it." />
          <div class={errors.vulnerabilityType ? 'field invalid' : 'field'}>
            <label for="vulnerabilityType">{REPORT_FIELD_LABELS.vulnerabilityType}</label>
            <FieldError id="vulnerabilityType" message={errors.vulnerabilityType} />
            <select id="vulnerabilityType" name="vulnerabilityType" required aria-invalid={errors.vulnerabilityType ? 'true' : undefined} aria-describedby={describedBy('vulnerabilityType', errors)}>
              <option value="" selected={!values.vulnerabilityType}>Choose…</option>
              {VULNERABILITY_TYPES.map(([id, label]) => (
                <option key={id} value={id} selected={values.vulnerabilityType === id}>{label}</option>
              ))}
            </select>
          </div>
          <TextArea name="description" values={values} errors={errors} hint="What is the problem, and where is it?" />
          <TextArea name="stepsToReproduce" values={values} errors={errors} hint="Numbered steps, requests or a proof of concept that let us see it ourselves." />
          <TextArea name="impact" values={values} errors={errors} rows={4} hint="What could an attacker achieve, and under which conditions?" />
          <TextField name="cvssVector" values={values} errors={errors} maxLength={300} hint="Your own CVSS 3.1 or 4.0 assessment, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" />
          <div class={errors.attachments ? 'field invalid' : 'field'}>
            <label for="attachments">
              {REPORT_FIELD_LABELS.attachments}
              <span class="optional"> (optional)</span>
            </label>
            <p class="hint" id="attachments-hint">
              Up to {props.limits.maxFiles} files of at most {formatSize(props.limits.maxBytes)} each: screenshots, logs, proof-of-concept code.
              {errors.attachments ? null : ' If the form shows an error, choose your files again.'}
            </p>
            <FieldError id="attachments" message={errors.attachments} />
            <input id="attachments" name="attachments" type="file" multiple aria-describedby={describedBy('attachments', errors, true)} />
          </div>
        </fieldset>
        <fieldset>
          <legend>About you</legend>
          <p class="hint">All optional. Leave everything empty to report anonymously; you can still follow the report with your private link.</p>
          <TextField name="reporterName" values={values} errors={errors} autocomplete="name" maxLength={200} />
          <TextField name="reporterHandle" values={values} errors={errors} autocomplete="nickname" maxLength={100} hint="A nickname or account, e.g. @alice." />
          <TextField name="reporterEmail" values={values} errors={errors} type="email" autocomplete="email" maxLength={320} hint="We only use it to tell you about this report." />
          <div class={errors.publicKey ? 'field invalid' : 'field'}>
            <label for="publicKey">
              {REPORT_FIELD_LABELS.publicKey}
              <span class="optional"> (optional)</span>
            </label>
            <p class="hint" id="publicKey-hint">
              Paste your armored public key (gpg --armor --export you@example.org) and every mail we send you is encrypted to it, with the details of your report. Without a key, our mails carry no details.
            </p>
            <FieldError id="publicKey" message={errors.publicKey} />
            <textarea id="publicKey" name="publicKey" rows={4} aria-invalid={errors.publicKey ? 'true' : undefined} aria-describedby={errors.publicKey ? 'publicKey-hint publicKey-error' : 'publicKey-hint'}>
              {values.publicKey ?? ''}
            </textarea>
          </div>
          <div class={errors.creditPreference ? 'field invalid' : 'field'} role="radiogroup" aria-labelledby="credit-label">
            <p class="label" id="credit-label">How should we credit you when we publish the fix?</p>
            <FieldError id="creditPreference" message={errors.creditPreference} />
            {SUBMISSION_CREDIT_CHOICES.map(([id, label]) => (
              <label key={id} class="choice">
                <input type="radio" name="creditPreference" value={id} checked={credit === id} id={id === 'given' ? 'creditPreference' : undefined} /> {label}
              </label>
            ))}
          </div>
          <AiAssistanceField value={values.aiAssistance} error={errors.aiAssistance} />
        </fieldset>
        <fieldset>
          <legend>Our disclosure policy</legend>
          <details>
            <summary>What we ask of you and what we promise (version {program.policy.version})</summary>
            <div class="policy-excerpt">
              <h3>What we ask of you</h3>
              <Markdown source={policyText(program, program.policy.sections.researcherRules)} />
              <h3>What we promise</h3>
              <Markdown source={policyText(program, program.policy.sections.promises)} />
            </div>
          </details>
          <div class={errors.acceptPolicy ? 'field invalid' : 'field'}>
            <FieldError id="acceptPolicy" message={errors.acceptPolicy} />
            <label class="choice">
              <input type="checkbox" id="acceptPolicy" name="acceptPolicy" value="yes" checked={values.acceptPolicy === 'yes'} required aria-invalid={errors.acceptPolicy ? 'true' : undefined} aria-describedby={describedBy('acceptPolicy', errors)} /> I have read the{' '}
              <a href="/policy" target="_blank" rel="noopener">disclosure policy</a> (version {program.policy.version}) and accept it.
            </label>
          </div>
        </fieldset>
        <p>
          <button type="submit" class="primary">Send report</button>
        </p>
      </form>
    </Layout>
  );
}
