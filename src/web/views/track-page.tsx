import type { Report } from '../../db/schema.ts';
import { STATE_LABELS, stateExplanation } from '../../domain/lifecycle.ts';
import type { AttachmentInfo, TimelineEntry } from '../../reports/read-report.ts';
import { CREDIT_CHOICES } from '../../domain/report-input.ts';
import { ErrorSummary, FieldError, Layout, formatDate, formatSize, type PageChrome } from './layout.tsx';
import { AttachmentList, Timeline } from './timeline.tsx';
import type { OriginalStatus } from '../../triage/original-status.ts';
import { OriginalStatusSection } from './original-status.tsx';
import { TrackPrivacySection } from './privacy-panels.tsx';
import { TrackDisclosureSection, type DisclosureFormState } from './disclosure-panels.tsx';
import { readDisclosure } from '../../disclosure/disclosure-rules.ts';

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
  credit: { errors: Record<string, string>; saved: boolean };
  /** When this report is a duplicate: the original's progress. */
  original?: OriginalStatus;
  /** The disclosure date section: a refused form, what was just done, the zone a new proposal starts in. */
  disclosure?: { form?: DisclosureFormState; done?: string; defaultTimeZone: string; now: Date };
  /** The "Your data" section: just erased, or asked to confirm. */
  privacy?: { confirm: boolean; erased: boolean };
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
              : 'Your report was sent over the encrypted connection (TLS) to this site; it was not encrypted in your browser.'}
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
      {props.sent ? <p class="notice success" role="status">Your message was sent.</p> : null}
      <section aria-labelledby="status-h">
        <h2 id="status-h">Status</h2>
        <p>
          <span class={`state state-${report.state}`}>{STATE_LABELS[report.state]}</span> {stateExplanation(report.state, report.expected_resolution_date !== null)}
        </p>
        <p class="meta">Received {formatDate(report.created_at)} · last update {formatDate(report.updated_at)}</p>
      </section>
      {props.original ? <OriginalStatusSection original={props.original} /> : null}
      {props.disclosure ? (
        <TrackDisclosureSection state={report.state} date={readDisclosure(report)} base={base} csrf={props.csrf} {...props.disclosure} />
      ) : null}
      <section aria-labelledby="report-h">
        <h2 id="report-h">Your report</h2>
        <details>
          <summary>{report.title}</summary>
          <dl class="report-fields">
            <dt>Description</dt>
            <dd class="text">{report.description}</dd>
            <dt>Steps to reproduce</dt>
            <dd class="text">{report.steps_to_reproduce}</dd>
            <dt>Impact</dt>
            <dd class="text">{report.impact}</dd>
          </dl>
          <AttachmentList attachments={props.attachments.filter((a) => a.messageId === null)} hrefBase={`${base}/attachments`} />
        </details>
      </section>
      <section aria-labelledby="thread-h">
        <h2 id="thread-h">Conversation</h2>
        <Timeline entries={props.timeline} audience="reporter" attachmentHref={`${base}/attachments`} />
      </section>
      <CreditSection report={report} base={base} csrf={props.csrf} errors={props.credit.errors} saved={props.credit.saved} />
      <TrackPrivacySection base={base} csrf={props.csrf} erasedAt={report.reporter_erased_at} confirm={props.privacy?.confirm ?? false} erased={props.privacy?.erased ?? false} />
      <section aria-labelledby="reply-h">
        <h2 id="reply-h">Write to the security team</h2>
        <ErrorSummary errors={props.reply.errors} labels={{ body: 'Message', attachments: 'Attachments' }} />
        <form method="post" action={`${base}/reply`} enctype="multipart/form-data">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <div class={props.reply.errors.body ? 'field invalid' : 'field'}>
            <label for="body">Message</label>
            <FieldError id="body" message={props.reply.errors.body} />
            <textarea id="body" name="body" rows={6} required>{props.reply.body}</textarea>
          </div>
          <div class={props.reply.errors.attachments ? 'field invalid' : 'field'}>
            <label for="attachments">Attachments <span class="optional">(optional, up to {props.limits.maxFiles} files of {formatSize(props.limits.maxBytes)})</span></label>
            <FieldError id="attachments" message={props.reply.errors.attachments} />
            <input id="attachments" name="attachments" type="file" multiple />
          </div>
          <button type="submit" class="primary">Send</button>
        </form>
      </section>
    </Layout>
  );
}

/** The reporter controls their credit until the advisory is published, and sees how it will read. */
function CreditSection(props: { report: Report; base: string; csrf: string; errors: Record<string, string>; saved: boolean }) {
  const { report, errors } = props;
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
        <details open={Object.keys(errors).length > 0}>
          <summary>Change how you are credited</summary>
          <form method="post" action={`${props.base}/credit`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <fieldset class="choices">
              <legend>Credit me</legend>
              <FieldError id="creditPreference" message={errors.creditPreference} />
              {CREDIT_CHOICES.map(([id, label]) => (
                <label key={id} class="choice">
                  <input type="radio" name="creditPreference" value={id} checked={report.credit_preference === id} /> {label}
                </label>
              ))}
            </fieldset>
            <div class={errors.reporterName ? 'field invalid' : 'field'}>
              <label for="reporterName">Name <span class="optional">(used with “by my name”)</span></label>
              <FieldError id="reporterName" message={errors.reporterName} />
              <input id="reporterName" name="reporterName" maxLength={200} value={report.reporter_name ?? ''} autoComplete="name" />
            </div>
            <div class={errors.reporterHandle ? 'field invalid' : 'field'}>
              <label for="reporterHandle">Handle <span class="optional">(used with “by my handle”)</span></label>
              <FieldError id="reporterHandle" message={errors.reporterHandle} />
              <input id="reporterHandle" name="reporterHandle" maxLength={100} value={report.reporter_handle ?? ''} autoComplete="nickname" />
            </div>
            <button type="submit">Save credit choice</button>
          </form>
        </details>
      )}
    </section>
  );
}
