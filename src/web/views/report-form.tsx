import { defaultCreditChoice, SUBMISSION_CREDIT_CHOICES, VULNERABILITY_TYPES } from '../../domain/report-input.ts';
import { AiAssistanceField } from './ai-assistance-field.tsx';
import type { Program } from '../../programs/programs.ts';
import { ErrorSummary, FieldError, Layout, type PageChrome } from './layout.tsx';
import { Markdown } from './markdown.tsx';
import { policyText } from '../../policy/policy-text.ts';
import { firstResponseWordsIn } from '../../policy/promise-words.ts';
import type { Translator } from '../../i18n/translator.ts';
import type { MessageKey } from '../../i18n/catalogues.ts';
import { policyIn } from './public-pages.tsx';

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

/** The form's field labels in the reader's language (REPORT_FIELD_LABELS stays the English one staff pages use). */
export function reportFieldLabels(t: Translator): Record<string, string> {
  return Object.fromEntries(Object.keys(REPORT_FIELD_LABELS).map((k) => [k, t.t(`form.label.${k}` as MessageKey)]));
}

function describedBy(name: string, errors: Record<string, string>, hint = false): string | undefined {
  const ids = [hint ? `${name}-hint` : '', errors[name] ? `${name}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

function TextField(props: { name: string; values: Values; errors: Record<string, string>; t: Translator; required?: boolean; hint?: string; type?: 'text' | 'email'; autocomplete?: string; maxLength?: number }) {
  const { name, errors } = props;
  return (
    <div class={errors[name] ? 'field invalid' : 'field'}>
      <label for={name}>
        {props.t.t(`form.label.${name}` as MessageKey)}
        {props.required ? null : <span class="optional"> {props.t.t('form.optional')}</span>}
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

function TextArea(props: { name: string; values: Values; errors: Record<string, string>; t: Translator; hint: string; rows?: number }) {
  const { name, errors } = props;
  return (
    <div class={errors[name] ? 'field invalid' : 'field'}>
      <label for={name}>{props.t.t(`form.label.${name}` as MessageKey)}</label>
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
  const tr = props.chrome.t;
  const { t } = tr;
  const labels = reportFieldLabels(tr);
  const policy = policyIn(program, tr.language);
  // The program's policy decides what happens when the reporter does not choose (docs/configuration.md).
  const credit = values.creditPreference ?? defaultCreditChoice(program.config.credit);
  return (
    <Layout chrome={props.chrome} title={t('nav.report')} scripts={props.encryptionScript ? [props.encryptionScript] : []}>
      <h1>{t('nav.report')}</h1>
      <p>{t('form.intro', { promise: firstResponseWordsIn(tr, program.config.sla) })}</p>
      <ErrorSummary errors={errors} labels={labels} heading={t('form.problem')} />
      <p id="encryption-status" class="notice" role="status" hidden>
        {/* Filled in by the encryption script when JavaScript runs. */}
      </p>
      <noscript>
        {props.chrome.secure ? (
          <p class="notice">{t('form.noscript.tls')}</p>
        ) : (
          <p class="notice error">
            {tr.rich('form.noscript.plain', {
              withKey: props.encryptionScript ? 'yes' : 'no',
              email: <a href={`mailto:${program.config.contactEmail}`}>{program.config.contactEmail}</a>,
              key: (c) => <a href="/pgp-key.txt">{c}</a>,
            })}
          </p>
        )}
      </noscript>
      <form method="post" action="/report" enctype="multipart/form-data" novalidate data-encrypt-to={props.encryptionScript ? '/pgp-key.txt' : undefined}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="policyVersion" value={String(program.policy.version)} />
        <fieldset>
          <legend>{t('form.legend.vulnerability')}</legend>
          <TextField t={tr} name="title" values={values} errors={errors} required maxLength={200} hint={t('form.hint.title')} />
          <div class={errors.product ? 'field invalid' : 'field'}>
            <label for="product">{labels.product}</label>
            <FieldError id="product" message={errors.product} />
            <select id="product" name="product" required aria-invalid={errors.product ? 'true' : undefined} aria-describedby={describedBy('product', errors)}>
              <option value="" selected={!values.product}>{t('form.chooseProduct')}</option>
              {program.config.products.map((p) => (
                <option key={p.id} value={p.id} selected={values.product === p.id}>{p.name}</option>
              ))}
              <option value="other" selected={values.product === 'other'}>{t('form.productOther')}</option>
            </select>
          </div>
          <TextField t={tr} name="productVersion" values={values} errors={errors} required maxLength={100} hint={t('form.hint.productVersion')} />
          <div class={errors.vulnerabilityType ? 'field invalid' : 'field'}>
            <label for="vulnerabilityType">{labels.vulnerabilityType}</label>
            <FieldError id="vulnerabilityType" message={errors.vulnerabilityType} />
            <select id="vulnerabilityType" name="vulnerabilityType" required aria-invalid={errors.vulnerabilityType ? 'true' : undefined} aria-describedby={describedBy('vulnerabilityType', errors)}>
              <option value="" selected={!values.vulnerabilityType}>{t('form.choose')}</option>
              {VULNERABILITY_TYPES.map(([id]) => (
                <option key={id} value={id} selected={values.vulnerabilityType === id}>{t(`vulnType.${id}`)}</option>
              ))}
            </select>
          </div>
          <TextArea t={tr} name="description" values={values} errors={errors} hint={t('form.hint.description')} />
          <TextArea t={tr} name="stepsToReproduce" values={values} errors={errors} hint={t('form.hint.stepsToReproduce')} />
          <TextArea t={tr} name="impact" values={values} errors={errors} rows={4} hint={t('form.hint.impact')} />
          <TextField t={tr} name="cvssVector" values={values} errors={errors} maxLength={300} hint={t('form.hint.cvssVector')} />
          <div class={errors.attachments ? 'field invalid' : 'field'}>
            <label for="attachments">
              {labels.attachments}
              <span class="optional"> {t('form.optional')}</span>
            </label>
            <p class="hint" id="attachments-hint">
              {t('form.hint.attachments', { files: props.limits.maxFiles, size: props.chrome.t.size(props.limits.maxBytes) })}
              {errors.attachments ? null : ` ${t('form.hint.attachmentsAgain')}`}
            </p>
            <FieldError id="attachments" message={errors.attachments} />
            <input id="attachments" name="attachments" type="file" multiple aria-describedby={describedBy('attachments', errors, true)} />
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('form.legend.you')}</legend>
          <p class="hint">{t('form.hint.you')}</p>
          <TextField t={tr} name="reporterName" values={values} errors={errors} autocomplete="name" maxLength={200} />
          <TextField t={tr} name="reporterHandle" values={values} errors={errors} autocomplete="nickname" maxLength={100} hint={t('form.hint.reporterHandle')} />
          <TextField t={tr} name="reporterEmail" values={values} errors={errors} type="email" autocomplete="email" maxLength={320} hint={t('form.hint.reporterEmail')} />
          <div class={errors.publicKey ? 'field invalid' : 'field'}>
            <label for="publicKey">
              {labels.publicKey}
              <span class="optional"> {t('form.optional')}</span>
            </label>
            <p class="hint" id="publicKey-hint">
              {t('form.hint.publicKey')}
            </p>
            <FieldError id="publicKey" message={errors.publicKey} />
            <textarea id="publicKey" name="publicKey" rows={4} aria-invalid={errors.publicKey ? 'true' : undefined} aria-describedby={errors.publicKey ? 'publicKey-hint publicKey-error' : 'publicKey-hint'}>
              {values.publicKey ?? ''}
            </textarea>
          </div>
          <div class={errors.creditPreference ? 'field invalid' : 'field'} role="radiogroup" aria-labelledby="credit-label">
            <p class="label" id="credit-label">{t('form.credit.question')}</p>
            <FieldError id="creditPreference" message={errors.creditPreference} />
            {SUBMISSION_CREDIT_CHOICES.map(([id]) => (
              <label key={id} class="choice">
                <input type="radio" name="creditPreference" value={id} checked={credit === id} id={id === 'given' ? 'creditPreference' : undefined} /> {t(`credit.choice.${id}`)}
              </label>
            ))}
          </div>
          <AiAssistanceField value={values.aiAssistance} error={errors.aiAssistance} t={tr} />
        </fieldset>
        <fieldset>
          <legend>{t('form.legend.policy')}</legend>
          <details>
            <summary>{t('form.policy.summary', { version: program.policy.version })}</summary>
            <div class="policy-excerpt">
              <h3>{t('policy.section.researcherRules')}</h3>
              <Markdown source={policyText(program, policy.sections.researcherRules, policy.fill)} />
              <h3>{t('policy.section.promises')}</h3>
              <Markdown source={policyText(program, policy.sections.promises, policy.fill)} />
            </div>
          </details>
          <div class={errors.acceptPolicy ? 'field invalid' : 'field'}>
            <FieldError id="acceptPolicy" message={errors.acceptPolicy} />
            <label class="choice">
              <input type="checkbox" id="acceptPolicy" name="acceptPolicy" value="yes" checked={values.acceptPolicy === 'yes'} required aria-invalid={errors.acceptPolicy ? 'true' : undefined} aria-describedby={describedBy('acceptPolicy', errors)} />{' '}
              {tr.rich('form.policy.accept', { version: program.policy.version, link: (c) => <a href="/policy" target="_blank" rel="noopener">{c}</a> })}
            </label>
          </div>
        </fieldset>
        <p>
          <button type="submit" class="primary">{t('form.send')}</button>
        </p>
      </form>
    </Layout>
  );
}
