import type { ReportVault } from '../../crypto/report-vault.ts';
import type { Db } from '../../db/database.ts';
import { isReportState } from '../../domain/lifecycle.ts';
import { stateExplanationIn, stateLabelIn } from '../../i18n/report-words.ts';
import { eventDataWithText } from '../../reports/event-text.ts';
import { openEvaluation, openMessageBody, reportKey } from '../../reports/report-contents.ts';
import { disclosureMailWordsIn, isDisclosureEvent } from '../../disclosure/disclosure-words.ts';
import { lostLinkLine } from './acknowledgement.ts';
import { detailsAllowed, footer, loadReportForMail, quote, type Prepared, type RenderOptions } from './template.ts';
import { programBaseUrl } from '../../programs/program-hosts.ts';

export interface ReporterUpdateProps {
  /** The reporter-visible event to tell them about. */
  eventId: string;
}

/**
 * A change the reporter should hear about (state change, team reply). With
 * their key, or when the program allows details in clear, the mail says what
 * changed and quotes the team's message; otherwise only that something
 * changed and where to read it: mail crosses servers we do not control.
 */
export async function prepareReporterUpdate(db: Db, vault: ReportVault, baseUrl: string, props: ReporterUpdateProps): Promise<Prepared> {
  const template = 'reporter-update' as const;
  const event = await db
    .selectFrom('report_events')
    .select(['id', 'report_id', 'type', 'data', 'text_sealed', 'reporter_visible'])
    .where('id', '=', props.eventId)
    .executeTakeFirst();
  if (!event) return { send: false, reason: 'the event no longer exists', template };
  const report = await loadReportForMail(db, vault, event.report_id);
  if (!report) return { send: false, reason: 'the report no longer exists', template };
  baseUrl = programBaseUrl(baseUrl, report.program); // the reporter's links are on the program's own host
  if (!event.reporter_visible) return { send: false, reason: 'the event is not visible to the reporter', template, report };
  if (!report.reporterEmail) return { send: false, reason: 'the reporter gave no e-mail address (tracking page only)', template, report };
  // Contents are opened only here, for the mail being rendered; the template decides whether they may travel.
  const keyRow = await db.selectFrom('reports').select(['id', 'data_key', 'evaluation_sealed', 'expected_resolution_date']).where('id', '=', report.id).executeTakeFirstOrThrow();
  // The event's reason is sealed with the report's key like the message.
  const data = eventDataWithText(vault, event.text_sealed ? reportKey(vault, keyRow) : undefined, event);
  const messageId = typeof data.messageId === 'string' ? data.messageId : undefined;
  const sealedMessage =
    (event.type === 'staff-replied' || isDisclosureEvent(event.type)) && messageId
      ? await db.selectFrom('report_messages').select(['id', 'body_sealed', 'visibility']).where('id', '=', messageId).executeTakeFirst()
      : undefined;
  const message = sealedMessage && { visibility: sealedMessage.visibility, body: openMessageBody(vault, reportKey(vault, keyRow), sealedMessage.id, sealedMessage.body_sealed) };
  const promised = { evaluation: openEvaluation(vault, keyRow), expected_resolution_date: keyRow.expected_resolution_date };
  const { program } = report;

  return {
    send: true,
    template,
    report,
    to: report.reporterEmail,
    render(options: RenderOptions) {
      const tr = report.t;
      const { t } = tr;
      const details = detailsAllowed(program, options);
      const disclosure = disclosureMailWordsIn(tr, event.type, data);
      const what =
        event.type === 'state-changed' && isReportState(data.to)
          ? t('mail.update.state', { state: stateLabelIn(tr, data.to) })
          : event.type === 'staff-replied'
            ? t('mail.update.replied')
            : event.type === 'resolution-date-changed'
              ? t('mail.update.dateChanged')
              : event.type === 'advisory-published'
                ? t('mail.update.advisory')
                : (disclosure?.what ?? t('mail.update.other'));
      const lines = [t('mail.hello'), '', t('mail.update.news', { reference: report.reference, what })];
      // The advisory is public by now: its address may travel in any mail.
      if (typeof data.advisoryUrl === 'string') lines.push('', t('mail.update.advisoryUrl', { url: data.advisoryUrl }));
      if (details) {
        if (event.type === 'state-changed' && isReportState(data.to)) {
          lines.push(stateExplanationIn(tr, data.to, promised.evaluation !== null));
          // Acknowledging with an evaluation (src/triage) is this state change plus the evaluation it promised.
          if (data.to === 'acknowledged' && promised?.evaluation) {
            lines.push('', t('mail.update.evaluation'), '', quote(promised.evaluation));
            if (promised.expected_resolution_date) lines.push('', t('mail.update.expectedDate', { date: tr.date(promised.expected_resolution_date) }));
          }
        }
        if (event.type === 'resolution-date-changed' && typeof data.to === 'string') {
          lines.push(t('mail.update.dateNow', { to: tr.date(data.to), hasFrom: typeof data.from === 'string' ? 'yes' : 'no', from: typeof data.from === 'string' ? tr.date(data.from) : '' }));
        }
        if (disclosure) lines.push(disclosure.detail);
        if (typeof data.reason === 'string' && data.reason) lines.push('', t('mail.update.teamNoted'), '', quote(data.reason));
        if (message && message.visibility === 'reporter') lines.push('', quote(message.body));
        lines.push('', t('mail.update.replyHow'), '', lostLinkLine(baseUrl, tr));
      } else {
        lines.push('', t('mail.update.openLink'));
        if (report.channel === 'email') lines.push('', t('mail.update.replyToo'));
        lines.push('', lostLinkLine(baseUrl, tr));
      }
      lines.push(...footer(program, baseUrl, tr));
      return { subject: t('mail.update.subject', { reference: report.reference }), text: lines.join('\n') };
    },
  };
}
