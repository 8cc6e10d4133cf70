import type { ReportVault } from '../../crypto/report-vault.ts';
import type { Db } from '../../db/database.ts';
import { STATE_LABELS, isReportState, stateExplanation } from '../../domain/lifecycle.ts';
import { eventDataWithText } from '../../reports/event-text.ts';
import { openEvaluation, openMessageBody, reportKey } from '../../reports/report-contents.ts';
import { disclosureMailWords, isDisclosureEvent } from '../../disclosure/disclosure-words.ts';
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
      const details = detailsAllowed(program, options);
      const what =
        event.type === 'state-changed' && isReportState(data.to)
          ? `Its status is now: ${STATE_LABELS[data.to]}.`
          : event.type === 'staff-replied'
            ? 'The security team has written to you.'
            : event.type === 'resolution-date-changed'
              ? 'The expected resolution date has changed.'
              : event.type === 'advisory-published'
                ? 'We published a security advisory about it.'
                : (disclosureMailWords(event.type, data)?.what ?? 'There is an update.');
      const lines = ['Hello,', '', `There is news on your vulnerability report ${report.reference}. ${what}`];
      // The advisory is public by now: its address may travel in any mail.
      if (typeof data.advisoryUrl === 'string') lines.push('', `The advisory: ${data.advisoryUrl}`);
      if (details) {
        if (event.type === 'state-changed' && isReportState(data.to)) {
          lines.push(stateExplanation(data.to, promised.evaluation !== null));
          // Acknowledging with an evaluation (src/triage) is this state change plus the evaluation it promised.
          if (data.to === 'acknowledged' && promised?.evaluation) {
            lines.push('', 'Our evaluation:', '', quote(promised.evaluation));
            if (promised.expected_resolution_date) lines.push('', `Expected resolution date: ${promised.expected_resolution_date}.`);
          }
        }
        if (event.type === 'resolution-date-changed' && typeof data.to === 'string') {
          lines.push(`The expected resolution date is now ${data.to}${typeof data.from === 'string' ? ` (it was ${data.from})` : ''}.`);
        }
        const disclosure = disclosureMailWords(event.type, data);
        if (disclosure) lines.push(disclosure.detail);
        if (typeof data.reason === 'string' && data.reason) lines.push('', 'The team noted:', '', quote(data.reason));
        if (message && message.visibility === 'reporter') lines.push('', quote(message.body));
        lines.push('', 'Reply to this mail to answer, or use your private tracking link.', '', lostLinkLine(baseUrl));
      } else {
        lines.push(
          '',
          'Open the private tracking link you received when you submitted the report to read it and reply. (For your safety, this mail does not contain the link or any details of the report. Send us your OpenPGP public key to receive the details by encrypted mail.)',
        );
        if (report.channel === 'email') lines.push('', 'You can also reply to this e-mail.');
        lines.push('', lostLinkLine(baseUrl));
      }
      lines.push(...footer(program, baseUrl));
      return { subject: `[${report.reference}] Update on your vulnerability report`, text: lines.join('\n') };
    },
  };
}
