import type { Report } from '../../db/schema.ts';
import type { Translator } from '../../i18n/translator.ts';
import { stateExplanationIn } from '../../i18n/report-words.ts';
import type { AttachmentInfo, TimelineEntry } from '../../reports/read-report.ts';
import { CREDIT_CHOICES, VULNERABILITY_TYPES } from '../../domain/report-input.ts';
import { checkCvssVector } from '../../domain/cvss.ts';
import { FirstResponseNotice, type FirstResponseView } from './track-response.tsx';
import { ErrorSummary, FieldError, Layout, type PageChrome } from './layout.tsx';
import { AttachmentList, Timeline } from './timeline.tsx';
import type { OriginalStatus } from '../../triage/original-status.ts';
import { OriginalStatusSection } from './original-status.tsx';
import { TrackPrivacySection } from './privacy-panels.tsx';
import { TrackDisclosureSection, type DisclosureFormState } from './disclosure-panels.tsx';
import { readDisclosure } from '../../disclosure/disclosure-rules.ts';
import { ReporterNamingSection } from './coordination-panel.tsx';

export function TrackPage(props: {
  chrome: PageChrome;
  report: Report;
  trackUrl: string;
  token: string;
  justSubmitted: boolean;
  timeline: TimelineEntry[];
  attachments: AttachmentInfo[];
  csrf: string;
  reply: { body: string; errors: Record<string, string> };
  limits: { maxFiles: number; maxBytes: number };
  sent?: boolean;
  credit: { errors: Record<string, string>; saved: boolean; values?: Record<string, string> | undefined };
  /** A form of this page was refused (CSRF): why, and what to do. */
  refused?: string | undefined;
  /** When this report is a duplicate: the original's progress. */
  original?: OriginalStatus;
  /** The disclosure date section: a refused form, what was just done, the zone a new proposal starts in. */
  disclosure?: { form?: DisclosureFormState; done?: string; defaultTimeZone: string; now: Date };
  /** The "Your data" section: just erased, or asked to confirm. */
  privacy?: { confirm: boolean; erased: boolean };
  /** When the reporter will hear from the team (the first-response clock). */
  firstResponse?: FirstResponseView;
  /** The product's name in the program's list (the report stores its id). */
  productName: string;
  /** Whether parties invited into the report may see the reporter's name (src/coordination/). */
  naming?: { named: boolean; saved: boolean };
}) {
  const { report } = props;
  const base = `/track/${props.token}`;
  const tr = props.chrome.t;
  const { t } = tr;
  const when = (d: Date) => <time dateTime={d.toISOString()}>{tr.dateTime(d, props.chrome.timeZone)}</time>;
  return (
    <Layout chrome={props.chrome} title={t('track.title', { reference: report.reference })}>
      {props.justSubmitted ? (
        <div class="notice success" role="status">
          <h1>{t('track.stored')}</h1>
          <p>{tr.rich('track.referenceIs', { reference: <strong class="reference">{report.reference}</strong> })}</p>
          <p class="transport">
            {report.client_encryption === 'openpgp'
              ? t('track.transport.browser')
              : props.chrome.secure
                ? t('track.transport.tls')
                : t('track.transport.plain')}
          </p>
          <p>{t('track.keepLink')}</p>
          <p class="tracking-link">
            <code>{props.trackUrl}</code>
          </p>
          <p>
            {report.reporter_email ? `${t('track.receiptComing')} ` : null}
            {tr.rich('track.lostLater', { link: (c) => <a href="/track/recover">{c}</a> })}
          </p>
        </div>
      ) : (
        <h1>{tr.rich('track.heading', { reference: <span class="reference">{report.reference}</span> })}</h1>
      )}
      {props.refused ? <p class="notice error" role="alert">{props.refused}</p> : null}
      {props.sent ? <p class="notice success" role="status">{t('track.sent')}</p> : null}
      <section aria-labelledby="status-h">
        <h2 id="status-h">{t('track.status')}</h2>
        <p>
          <span class={`state state-${report.state}`}>{t(`state.${report.state}`)}</span> {stateExplanationIn(tr, report.state, report.expected_resolution_date !== null)}
        </p>
        {props.firstResponse ? <FirstResponseNotice {...props.firstResponse} t={tr} /> : null}
        <p class="meta">{tr.rich('track.received', { received: when(report.created_at), updated: when(report.updated_at) })}</p>
      </section>
      {props.original ? <OriginalStatusSection original={props.original} /> : null}
      <section aria-labelledby="thread-h">
        <h2 id="thread-h">{t('track.conversation')}</h2>
        <ReplyForm base={base} csrf={props.csrf} reply={props.reply} limits={props.limits} t={tr} />
        <h3 class="thread-order">{t('track.order')}</h3>
        <Timeline entries={[...props.timeline].reverse()} audience="reporter" attachmentHref={`${base}/attachments`} reader={{ t: tr, timeZone: props.chrome.timeZone }} />
      </section>
      <section aria-labelledby="report-h">
        <h2 id="report-h">{t('track.yourReport')}</h2>
        <SubmittedFields report={report} productName={props.productName} attachments={props.attachments.filter((a) => a.messageId === null)} hrefBase={`${base}/attachments`} t={tr} />
        <details>
          <summary>{t('track.longTexts')}</summary>
          <dl class="report-fields">
            <dt>{t('form.label.description')}</dt>
            <dd class="text">{report.description}</dd>
            <dt>{t('form.label.stepsToReproduce')}</dt>
            <dd class="text">{report.steps_to_reproduce}</dd>
            <dt>{t('form.label.impact')}</dt>
            <dd class="text">{report.impact}</dd>
          </dl>
        </details>
      </section>
      {props.disclosure ? (
        <TrackDisclosureSection state={report.state} date={readDisclosure(report)} base={base} csrf={props.csrf} {...props.disclosure} t={tr} />
      ) : null}
      <CreditSection report={report} base={base} csrf={props.csrf} errors={props.credit.errors} saved={props.credit.saved} typed={props.credit.values} t={tr} />
      {props.naming ? <ReporterNamingSection base={base} csrf={props.csrf} named={props.naming.named} saved={props.naming.saved} t={tr} /> : null}
      <TrackPrivacySection base={base} csrf={props.csrf} erasedAt={report.reporter_erased_at} confirm={props.privacy?.confirm ?? false} erased={props.privacy?.erased ?? false} t={tr} />
    </Layout>
  );
}

/** The reply box, at the top of the conversation so a long thread never pushes it out of reach; a plain form post. */
function ReplyForm(props: { base: string; csrf: string; reply: { body: string; errors: Record<string, string> }; limits: { maxFiles: number; maxBytes: number }; t: Translator }) {
  const { errors } = props.reply;
  const { t } = props.t;
  return (
    <div class="reply-box">
      <h3 id="reply-h">{t('track.reply.heading')}</h3>
      <ErrorSummary errors={errors} labels={{ body: t('track.reply.message'), attachments: t('track.reply.attachments') }} heading={t('form.problem')} />
      <form method="post" action={`${props.base}/reply`} enctype="multipart/form-data">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class={errors.body ? 'field invalid' : 'field'}>
          <label for="body">{t('track.reply.message')}</label>
          <FieldError id="body" message={errors.body} />
          <textarea id="body" name="body" rows={5} required>{props.reply.body}</textarea>
        </div>
        <div class={errors.attachments ? 'field invalid' : 'field'}>
          <label for="attachments">{t('track.reply.attachments')} <span class="optional">{t('track.reply.attachmentsHint', { files: props.limits.maxFiles, size: props.t.size(props.limits.maxBytes) })}</span></label>
          <FieldError id="attachments" message={errors.attachments} />
          <input id="attachments" name="attachments" type="file" multiple />
        </div>
        <button type="submit" class="primary">{t('track.reply.send')}</button>
      </form>
    </div>
  );
}

/** What the reporter gave besides the long texts: visible at once, so they can check what the team works from. */
function SubmittedFields(props: { report: Report; productName: string; attachments: AttachmentInfo[]; hrefBase: string; t: Translator }) {
  const { report } = props;
  const { t } = props.t;
  const known = VULNERABILITY_TYPES.find(([id]) => id === report.vulnerability_type);
  const kind = known ? t(`vulnType.${known[0]}`) : report.vulnerability_type;
  const cvss = report.reporter_cvss_vector ? checkCvssVector(report.reporter_cvss_vector) : undefined;
  return (
    <dl class="summary submitted-fields">
      <dt>{t('form.label.title')}</dt>
      <dd>{report.title}</dd>
      <dt>{t('track.field.product')}</dt>
      <dd>{props.productName}</dd>
      <dt>{t('track.field.version')}</dt>
      <dd>{report.product_version}</dd>
      <dt>{t('form.label.vulnerabilityType')}</dt>
      <dd>{kind}</dd>
      <dt>{t('track.field.cvss')}</dt>
      <dd>
        {report.reporter_cvss_vector ? (
          <>
            <code>{report.reporter_cvss_vector}</code>
            {cvss?.ok ? ` ${t('track.cvssScore', { score: cvss.score.toFixed(1) })}` : null}
          </>
        ) : (
          <span class="meta">{t('track.noneGiven')}</span>
        )}
      </dd>
      <dt>{t('track.reply.attachments')}</dt>
      <dd>{props.attachments.length > 0 ? <AttachmentList attachments={props.attachments} hrefBase={props.hrefBase} t={props.t} /> : <span class="meta">{t('track.none')}</span>}</dd>
    </dl>
  );
}

/** The reporter controls their credit until the advisory is published, and sees how it will read. */
function CreditSection(props: { report: Report; base: string; csrf: string; errors: Record<string, string>; saved: boolean; typed?: Record<string, string> | undefined; t: Translator }) {
  const { report, errors, typed } = props;
  const tr = props.t;
  const { t } = tr;
  // What the reporter typed, when the form comes back unaccepted; otherwise what is stored.
  const chosen = typed ? typed.creditPreference : report.credit_preference;
  const name = typed ? (typed.reporterName ?? '') : (report.reporter_name ?? '');
  const handle = typed ? (typed.reporterHandle ?? '') : (report.reporter_handle ?? '');
  const preview =
    report.credit_preference === 'name' ? report.reporter_name
    : report.credit_preference === 'handle' ? report.reporter_handle
    : report.credit_preference === 'anonymous' ? t('credit.anonymousResearcher')
    : null;
  return (
    <section aria-labelledby="credit-h">
      <h2 id="credit-h">{t('track.credit.heading')}</h2>
      {props.saved ? <p class="notice success" role="status">{t('track.credit.saved')}</p> : null}
      <p>
        {preview ? (
          tr.rich('track.credit.preview', { who: <strong class="credit-preview">{preview}</strong> })
        ) : (
          t('track.credit.declined')
        )}
      </p>
      {report.state === 'disclosed' ? (
        <p class="meta">{t('track.credit.published')}</p>
      ) : (
        <details open={Object.keys(errors).length > 0 || typed !== undefined}>
          <summary>{t('track.credit.change')}</summary>
          <form method="post" action={`${props.base}/credit`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <fieldset class="choices">
              <legend>{t('track.credit.legend')}</legend>
              <FieldError id="creditPreference" message={errors.creditPreference} />
              {CREDIT_CHOICES.map(([id]) => (
                <label key={id} class="choice">
                  <input type="radio" name="creditPreference" value={id} checked={chosen === id} /> {t(`credit.choice.${id}`)}
                </label>
              ))}
            </fieldset>
            <div class={errors.reporterName ? 'field invalid' : 'field'}>
              <label for="reporterName">{t('form.label.reporterName')} <span class="optional">{t('track.credit.nameHint')}</span></label>
              <FieldError id="reporterName" message={errors.reporterName} />
              <input id="reporterName" name="reporterName" maxLength={200} value={name} autoComplete="name" />
            </div>
            <div class={errors.reporterHandle ? 'field invalid' : 'field'}>
              <label for="reporterHandle">{t('form.label.reporterHandle')} <span class="optional">{t('track.credit.handleHint')}</span></label>
              <FieldError id="reporterHandle" message={errors.reporterHandle} />
              <input id="reporterHandle" name="reporterHandle" maxLength={100} value={handle} autoComplete="nickname" />
            </div>
            <button type="submit">{t('track.credit.save')}</button>
          </form>
        </details>
      )}
    </section>
  );
}
