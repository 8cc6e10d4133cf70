import { STATE_LABELS, isReportState } from '../../domain/lifecycle.ts';
import type { AttachmentInfo, TimelineEntry } from '../../reports/read-report.ts';
import { formatDate, formatSize } from './layout.tsx';
import { describeTriageEvent } from './triage-events.ts';
import { describeCraEvent } from './cra-events.ts';
import { describeCoordinationEvent } from '../../coordination/coordination-events.ts';
import { describeEarlyNoticeEvent } from '../../early-notices/early-notice-events.ts';
import { describeDisclosureEvent } from '../../disclosure/disclosure-words.ts';

function stateLabel(v: unknown): string {
  return isReportState(v) ? STATE_LABELS[v] : String(v);
}

/** How each credit choice reads in a sentence. */
const CREDIT_WORDS: Readonly<Record<string, string>> = { name: 'by name', handle: 'by handle', anonymous: 'anonymously', none: 'not credited' };
const creditWords = (v: unknown) => CREDIT_WORDS[String(v)] ?? String(v);

function describeEvent(e: Extract<TimelineEntry, { kind: 'event' }>, audience: 'staff' | 'reporter'): string {
  // The reporter's own actions are theirs on both pages: "The reporter" to staff, "You" to the reporter.
  const byReporter = e.actorKind === 'reporter' || (e.type === 'submitted' && e.actorKind !== 'staff');
  const who = byReporter ? (audience === 'staff' ? 'The reporter' : 'You') : audience === 'staff' ? (e.actorName ?? 'System') : 'The security team';
  switch (e.type) {
    case 'submitted':
      return `${who} submitted the report via ${String(e.data.channel ?? 'web')}.`;
    case 'credit-changed':
      if (!byReporter) return describeTriageEvent(e.type, e.data, who) ?? `${who}: ${e.type}`;
      return audience === 'staff'
        ? `The reporter changed how they are credited: ${creditWords(e.data.from)} → ${creditWords(e.data.to)}.`
        : `You changed how you are credited: ${creditWords(e.data.from)} → ${creditWords(e.data.to)}.`;
    case 'state-changed':
      return `${who === 'System' ? 'Status' : `${who} changed the status`}: ${stateLabel(e.data.from)} → ${stateLabel(e.data.to)}.`;
    case 'assigned':
      return e.data.to ? `${who} changed the assignee.` : `${who} removed the assignee.`;
    default:
      return describeTriageEvent(e.type, e.data, who) ?? describeDisclosureEvent(e.type, e.data, audience, who) ?? describeCraEvent(e.type, e.data, who) ?? describeCoordinationEvent(e.type, e.data, who, audience) ?? describeEarlyNoticeEvent(e.type, e.data, who) ?? `${who}: ${e.type}`;
  }
}

export function AttachmentList(props: { attachments: AttachmentInfo[]; hrefBase: string }) {
  if (props.attachments.length === 0) return null;
  return (
    <ul class="attachments">
      {props.attachments.map((a) => (
        <li key={a.id}>
          <a href={`${props.hrefBase}/${a.id}`} download>{a.filename}</a> <span class="meta">({formatSize(a.size)}, SHA-256 {a.sha256.slice(0, 12)}…)</span>
        </li>
      ))}
    </ul>
  );
}

/** The thread: messages as cards, events as one-line entries, in time order. */
export function Timeline(props: { entries: TimelineEntry[]; audience: 'staff' | 'reporter'; attachmentHref: string }) {
  const { audience } = props;
  return (
    <ol class="timeline">
      {props.entries.map((e) =>
        e.kind === 'event' ? (
          <li key={`e${e.id}`} class="event">
            <time dateTime={e.at.toISOString()}>{formatDate(e.at)}</time> {describeEvent(e, audience)}
            {typeof e.data.reason === 'string' ? <span class="reason"> Reason: {e.data.reason}</span> : null}
            {typeof e.data.advisoryId === 'string' ? <> <a href={`/advisories/${encodeURIComponent(e.data.advisoryId)}`}>Read advisory {e.data.advisoryId}</a></> : null}
          </li>
        ) : (
          <li key={`m${e.id}`} class={`message ${e.authorKind} ${e.visibility}`}>
            <p class="message-head">
              <strong>
                {e.authorKind === 'reporter'
                  ? audience === 'reporter' ? 'You' : 'Reporter'
                  : audience === 'reporter' ? 'Security team' : (e.authorName ?? 'Staff')}
              </strong>
              {e.visibility === 'internal' ? <span class="badge internal">Internal note</span> : null}{' '}
              <time dateTime={e.at.toISOString()}>{formatDate(e.at)}</time>
            </p>
            <div class="message-body">{e.body}</div>
            <AttachmentList attachments={e.attachments} hrefBase={props.attachmentHref} />
          </li>
        ),
      )}
    </ol>
  );
}
