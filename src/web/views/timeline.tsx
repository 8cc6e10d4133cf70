import { STATE_LABELS, isReportState } from '../../domain/lifecycle.ts';
import type { AttachmentInfo, TimelineEntry } from '../../reports/read-report.ts';
import { formatDate, formatSize } from './layout.tsx';
import { describeTriageEvent } from './triage-events.ts';
import { describeCraEvent } from './cra-events.ts';
import { describeCoordinationEvent } from '../../coordination/coordination-events.ts';
import { describeEarlyNoticeEvent } from '../../early-notices/early-notice-events.ts';
import { describeDisclosureEvent } from '../../disclosure/disclosure-words.ts';
import { formatDisclosureMoment } from '../../disclosure/disclosure-rules.ts';
import { formatLocalDate } from '../../triage/resolution-date.ts';
import type { Translator } from '../../i18n/translator.ts';
import type { MessageKey } from '../../i18n/catalogues.ts';

/** The reporter's page: their language, and the program's zone for times. Staff pages pass none (English, UTC). */
export interface TimelineReader {
  t: Translator;
  timeZone: string;
}

/** The events a reporter sees, in their language; undefined for any other, which keeps its English sentence. */
function describeForReporter(e: Extract<TimelineEntry, { kind: 'event' }>, tr: Translator): string | undefined {
  const { t } = tr;
  const byReporter = e.actorKind === 'reporter' || (e.type === 'submitted' && e.actorKind !== 'staff');
  const state = (v: unknown) => (isReportState(v) ? t(`state.${v}`) : String(v));
  const credit = (v: unknown) => (['name', 'handle', 'anonymous', 'none'].includes(String(v)) ? t(`credit.words.${String(v)}` as MessageKey) : String(v));
  if (e.type === 'submitted') return t('track.event.submitted', { channel: String(e.data.channel ?? 'web') });
  if (e.type === 'credit-changed' && byReporter) return t('track.event.creditChanged', { from: credit(e.data.from), to: credit(e.data.to) });
  if (e.type === 'state-changed') return t('track.event.stateChanged', { from: state(e.data.from), to: state(e.data.to) });
  // English keeps the forms it always had: long calendar days and the disclosure moment's long form.
  const en = tr.language === 'en';
  const day = (v: unknown) => (en ? formatLocalDate(String(v)) : tr.date(String(v)));
  const moment = (d: Record<string, unknown>) =>
    typeof d.at === 'string' && typeof d.timeZone === 'string' ? (en ? formatDisclosureMoment(new Date(d.at), d.timeZone) : tr.dateTime(new Date(d.at), d.timeZone)) : undefined;
  const by = e.data.by === 'reporter' ? 'reporter' : 'team';
  if (e.type === 'resolution-date-changed') return t('track.event.resolutionDate', { from: day(e.data.from), to: day(e.data.to) });
  if (e.type === 'disclosure-date-proposed' && moment(e.data)) {
    const change = e.data.previous ? (e.data.later ? 'later' : 'changed') : 'none';
    return t('track.event.disclosureProposed', { by, date: moment(e.data)!, change });
  }
  if (e.type === 'disclosure-date-agreed' && moment(e.data)) return t('track.event.disclosureAgreed', { by, date: moment(e.data)! });
  if (e.type === 'advisory-published' && typeof e.data.advisoryId === 'string') {
    return Number(e.data.revision) > 1
      ? t('track.event.advisoryRevised', { id: e.data.advisoryId, revision: String(e.data.revision) })
      : t('track.event.advisoryPublished', { id: e.data.advisoryId });
  }
  if (e.type === 'reporter-naming-changed') return t('track.event.naming', { named: e.data.named ? 'yes' : 'no' });
  if (e.type === 'reporter-data-erased') return t('track.event.erased');
  return undefined;
}

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
      if (e.data.channel === 'staff') return `${who} recorded this report for an incident (no reporter).`;
      return `${who} submitted the report via ${String(e.data.channel ?? 'web')}.`;
    case 'credit-changed':
      if (!byReporter) return describeTriageEvent(e.type, e.data, who) ?? `${who}: ${e.type}`;
      return audience === 'staff'
        ? `The reporter changed how they are credited: ${creditWords(e.data.from)} → ${creditWords(e.data.to)}.`
        : `You changed how you are credited: ${creditWords(e.data.from)} → ${creditWords(e.data.to)}.`;
    case 'state-changed':
      return `${who === 'System' ? 'Status' : `${who} changed the status`}: ${stateLabel(e.data.from)} → ${stateLabel(e.data.to)}${e.data.discloseEarly === true && audience === 'staff' ? ', before the agreed disclosure date by decision' : ''}.`;
    case 'assigned':
      return e.data.to ? `${who} changed the assignee.` : `${who} removed the assignee.`;
    default:
      return describeTriageEvent(e.type, e.data, who) ?? describeDisclosureEvent(e.type, e.data, audience, who) ?? describeCraEvent(e.type, e.data, who) ?? describeCoordinationEvent(e.type, e.data, who, audience) ?? describeEarlyNoticeEvent(e.type, e.data, who) ?? `${who}: ${e.type}`;
  }
}

export function AttachmentList(props: { attachments: AttachmentInfo[]; hrefBase: string; t?: Translator }) {
  if (props.attachments.length === 0) return null;
  return (
    <ul class="attachments">
      {props.attachments.map((a) => (
        <li key={a.id}>
          <a href={`${props.hrefBase}/${a.id}`} download>{a.filename}</a>{' '}
          <span class="meta">{props.t ? props.t.t('track.attachment', { size: props.t.size(a.size), hash: a.sha256.slice(0, 12) }) : `(${formatSize(a.size)}, SHA-256 ${a.sha256.slice(0, 12)}…)`}</span>
        </li>
      ))}
    </ul>
  );
}

/** The thread: messages as cards, events as one-line entries, in time order. */
export function Timeline(props: { entries: TimelineEntry[]; audience: 'staff' | 'reporter'; attachmentHref: string; reader?: TimelineReader }) {
  const { audience, reader } = props;
  const when = (d: Date) => (reader ? reader.t.dateTime(d, reader.timeZone) : formatDate(d));
  return (
    <ol class="timeline">
      {props.entries.map((e) =>
        e.kind === 'event' ? (
          <li key={`e${e.id}`} class="event">
            <time dateTime={e.at.toISOString()}>{when(e.at)}</time> {(reader && describeForReporter(e, reader.t)) ?? describeEvent(e, audience)}
            {typeof e.data.reason === 'string' ? <span class="reason"> {reader ? reader.t.t('track.reason', { reason: e.data.reason }) : `Reason: ${e.data.reason}`}</span> : null}
            {typeof e.data.advisoryId === 'string' ? <> <a href={`/advisories/${encodeURIComponent(e.data.advisoryId)}`}>{reader ? reader.t.t('track.readAdvisory', { id: e.data.advisoryId }) : `Read advisory ${e.data.advisoryId}`}</a></> : null}
          </li>
        ) : (
          <li key={`m${e.id}`} class={`message ${e.authorKind} ${e.visibility}`}>
            <p class="message-head">
              <strong>
                {e.authorKind === 'reporter'
                  ? audience === 'reporter' ? (reader?.t.t('track.you') ?? 'You') : 'Reporter'
                  : audience === 'reporter' ? (reader?.t.t('track.team') ?? 'Security team') : (e.authorName ?? 'Staff')}
              </strong>
              {e.visibility === 'internal' ? <span class="badge internal">Internal note</span> : null}{' '}
              <time dateTime={e.at.toISOString()}>{when(e.at)}</time>
            </p>
            <div class="message-body">{e.body}</div>
            <AttachmentList attachments={e.attachments} hrefBase={props.attachmentHref} {...(reader ? { t: reader.t } : {})} />
          </li>
        ),
      )}
    </ol>
  );
}
