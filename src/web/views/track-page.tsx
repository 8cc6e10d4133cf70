import type { Report } from '../../db/schema.ts';
import { STATE_EXPLANATIONS, STATE_LABELS } from '../../domain/lifecycle.ts';
import type { AttachmentInfo, TimelineEntry } from '../../reports/read-report.ts';
import { ErrorSummary, FieldError, Layout, formatDate, formatSize, type PageChrome } from './layout.tsx';
import { AttachmentList, Timeline } from './timeline.tsx';

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
          <p>
            Keep this private link: it is the only way to follow the report and talk with us without an account. Anyone who has it can read
            the report.
          </p>
          <p class="tracking-link">
            <code>{props.trackUrl}</code>
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
          <span class={`state state-${report.state}`}>{STATE_LABELS[report.state]}</span> {STATE_EXPLANATIONS[report.state]}
        </p>
        <p class="meta">Received {formatDate(report.created_at)} · last update {formatDate(report.updated_at)}</p>
      </section>
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
