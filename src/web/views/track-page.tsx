import type { Report } from '../../db/schema.ts';
import { STATE_LABELS, stateExplanation } from '../../domain/lifecycle.ts';
import type { AttachmentInfo, TimelineEntry } from '../../reports/read-report.ts';
import { CREDIT_CHOICES, VULNERABILITY_TYPES } from '../../domain/report-input.ts';
import { checkCvssVector } from '../../domain/cvss.ts';
import { FirstResponseNotice, type FirstResponseView } from './track-response.tsx';
import { ErrorSummary, FieldError, Layout, formatDate, formatSize, type PageChrome } from './layout.tsx';
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
  return (
    <Layout chrome={props.chrome} title={`Report ${report.reference}`}>
      {props.justSubmitted ? (
        <div class="notice success" role="status">
          <h1>Thank you: your report is stored</h1>
          <p>
            Your reference is <strong class="reference">{report.reference}</strong>.
          </p>
          <p class="transport">
            {report.client_encryption === 'openpgp'
              ? 'Your report and its attachments were encrypted in your browser with our OpenPGP key before they were sent.'
              : props.chrome.secure
                ? 'Your report was sent over the encrypted connection (TLS) to this site; it was not encrypted in your browser.'
                : 'Your report was not encrypted in your browser, and this site was reached over plain http: the connection is not encrypted.'}
          </p>
          <p>
            Keep this private link: it is the only way to follow the report and talk with us without an account. Anyone who has it can read
            the report.
          </p>
          <p class="tracking-link">
            <code>{props.trackUrl}</code>
          </p>
          <p>
            {report.reporter_email ? 'A receipt with your reference is on its way to your e-mail address. ' : null}
            Lost the link later? <a href="/track/recover">Ask for a new one</a> with your reference and the e-mail address you gave.
          </p>
        </div>
      ) : (
        <h1>
          Report <span class="reference">{report.reference}</span>
        </h1>
      )}
      {props.refused ? <p class="notice error" role="alert">{props.refused}</p> : null}
      {props.sent ? <p class="notice success" role="status">Your message was sent.</p> : null}
      <section aria-labelledby="status-h">
        <h2 id="status-h">Status</h2>
        <p>
          <span class={`state state-${report.state}`}>{STATE_LABELS[report.state]}</span> {stateExplanation(report.state, report.expected_resolution_date !== null)}
        </p>
        {props.firstResponse ? <FirstResponseNotice {...props.firstResponse} /> : null}
        <p class="meta">Received {formatDate(report.created_at)} · last update {formatDate(report.updated_at)}</p>
      </section>
      {props.original ? <OriginalStatusSection original={props.original} /> : null}
      <section aria-labelledby="thread-h">
        <h2 id="thread-h">Conversation</h2>
        <ReplyForm base={base} csrf={props.csrf} reply={props.reply} limits={props.limits} />
        <h3 class="thread-order">Messages and updates, newest first</h3>
        <Timeline entries={[...props.timeline].reverse()} audience="reporter" attachmentHref={`${base}/attachments`} />
      </section>
      <section aria-labelledby="report-h">
        <h2 id="report-h">Your report</h2>
        <SubmittedFields report={report} productName={props.productName} attachments={props.attachments.filter((a) => a.messageId === null)} hrefBase={`${base}/attachments`} />
        <details>
          <summary>Description, steps to reproduce and impact</summary>
          <dl class="report-fields">
            <dt>Description</dt>
            <dd class="text">{report.description}</dd>
            <dt>Steps to reproduce</dt>
            <dd class="text">{report.steps_to_reproduce}</dd>
            <dt>Impact</dt>
            <dd class="text">{report.impact}</dd>
          </dl>
        </details>
      </section>
      {props.disclosure ? (
        <TrackDisclosureSection state={report.state} date={readDisclosure(report)} base={base} csrf={props.csrf} {...props.disclosure} />
      ) : null}
      <CreditSection report={report} base={base} csrf={props.csrf} errors={props.credit.errors} saved={props.credit.saved} typed={props.credit.values} />
      {props.naming ? <ReporterNamingSection base={base} csrf={props.csrf} named={props.naming.named} saved={props.naming.saved} /> : null}
      <TrackPrivacySection base={base} csrf={props.csrf} erasedAt={report.reporter_erased_at} confirm={props.privacy?.confirm ?? false} erased={props.privacy?.erased ?? false} />
    </Layout>
  );
}

/** The reply box, at the top of the conversation so a long thread never pushes it out of reach; a plain form post. */
function ReplyForm(props: { base: string; csrf: string; reply: { body: string; errors: Record<string, string> }; limits: { maxFiles: number; maxBytes: number } }) {
  const { errors } = props.reply;
  return (
    <div class="reply-box">
      <h3 id="reply-h">Write to the security team</h3>
      <ErrorSummary errors={errors} labels={{ body: 'Message', attachments: 'Attachments' }} />
      <form method="post" action={`${props.base}/reply`} enctype="multipart/form-data">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class={errors.body ? 'field invalid' : 'field'}>
          <label for="body">Message</label>
          <FieldError id="body" message={errors.body} />
          <textarea id="body" name="body" rows={5} required>{props.reply.body}</textarea>
        </div>
        <div class={errors.attachments ? 'field invalid' : 'field'}>
          <label for="attachments">Attachments <span class="optional">(optional, up to {props.limits.maxFiles} files of {formatSize(props.limits.maxBytes)})</span></label>
          <FieldError id="attachments" message={errors.attachments} />
          <input id="attachments" name="attachments" type="file" multiple />
        </div>
        <button type="submit" class="primary">Send</button>
      </form>
    </div>
  );
}

/** What the reporter gave besides the long texts: visible at once, so they can check what the team works from. */
function SubmittedFields(props: { report: Report; productName: string; attachments: AttachmentInfo[]; hrefBase: string }) {
  const { report } = props;
  const kind = VULNERABILITY_TYPES.find(([id]) => id === report.vulnerability_type)?.[1] ?? report.vulnerability_type;
  const cvss = report.reporter_cvss_vector ? checkCvssVector(report.reporter_cvss_vector) : undefined;
  return (
    <dl class="summary submitted-fields">
      <dt>Title</dt>
      <dd>{report.title}</dd>
      <dt>Product</dt>
      <dd>{props.productName}</dd>
      <dt>Version</dt>
      <dd>{report.product_version}</dd>
      <dt>Kind of vulnerability</dt>
      <dd>{kind}</dd>
      <dt>Your CVSS</dt>
      <dd>
        {report.reporter_cvss_vector ? (
          <>
            <code>{report.reporter_cvss_vector}</code>
            {cvss?.ok ? ` (score ${cvss.score.toFixed(1)})` : null}
          </>
        ) : (
          <span class="meta">none given</span>
        )}
      </dd>
      <dt>Attachments</dt>
      <dd>{props.attachments.length > 0 ? <AttachmentList attachments={props.attachments} hrefBase={props.hrefBase} /> : <span class="meta">none</span>}</dd>
    </dl>
  );
}

/** The reporter controls their credit until the advisory is published, and sees how it will read. */
function CreditSection(props: { report: Report; base: string; csrf: string; errors: Record<string, string>; saved: boolean; typed?: Record<string, string> | undefined }) {
  const { report, errors, typed } = props;
  // What the reporter typed, when the form comes back unaccepted; otherwise what is stored.
  const chosen = typed ? typed.creditPreference : report.credit_preference;
  const name = typed ? (typed.reporterName ?? '') : (report.reporter_name ?? '');
  const handle = typed ? (typed.reporterHandle ?? '') : (report.reporter_handle ?? '');
  const preview =
    report.credit_preference === 'name' ? report.reporter_name
    : report.credit_preference === 'handle' ? report.reporter_handle
    : report.credit_preference === 'anonymous' ? 'an anonymous researcher'
    : null;
  return (
    <section aria-labelledby="credit-h">
      <h2 id="credit-h">Credit</h2>
      {props.saved ? <p class="notice success" role="status">Your credit choice was saved.</p> : null}
      <p>
        {preview ? (
          <>If this report leads to a published fix, we will credit: <strong class="credit-preview">{preview}</strong>.</>
        ) : (
          'You asked not to be credited.'
        )}
      </p>
      {report.state === 'disclosed' ? (
        <p class="meta">The advisory is published; write to us below if the credit needs correcting.</p>
      ) : (
        <details open={Object.keys(errors).length > 0 || typed !== undefined}>
          <summary>Change how you are credited</summary>
          <form method="post" action={`${props.base}/credit`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <fieldset class="choices">
              <legend>Credit me</legend>
              <FieldError id="creditPreference" message={errors.creditPreference} />
              {CREDIT_CHOICES.map(([id, label]) => (
                <label key={id} class="choice">
                  <input type="radio" name="creditPreference" value={id} checked={chosen === id} /> {label}
                </label>
              ))}
            </fieldset>
            <div class={errors.reporterName ? 'field invalid' : 'field'}>
              <label for="reporterName">Name <span class="optional">(used with “by my name”)</span></label>
              <FieldError id="reporterName" message={errors.reporterName} />
              <input id="reporterName" name="reporterName" maxLength={200} value={name} autoComplete="name" />
            </div>
            <div class={errors.reporterHandle ? 'field invalid' : 'field'}>
              <label for="reporterHandle">Handle <span class="optional">(used with “by my handle”)</span></label>
              <FieldError id="reporterHandle" message={errors.reporterHandle} />
              <input id="reporterHandle" name="reporterHandle" maxLength={100} value={handle} autoComplete="nickname" />
            </div>
            <button type="submit">Save credit choice</button>
          </form>
        </details>
      )}
    </section>
  );
}
