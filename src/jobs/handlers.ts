import type { AppContext } from '../context.ts';
import { STATE_LABELS, isReportState } from '../domain/lifecycle.ts';
import type { JobHandlers } from './worker.ts';

/** Subject and text of the reporter notification. Carries no vulnerability details: only that something changed. */
export function reporterNotification(reference: string, type: string, data: Record<string, unknown>, baseUrl: string) {
  const what =
    type === 'state-changed' && isReportState(data.to)
      ? `Its status is now: ${STATE_LABELS[data.to]}.`
      : type === 'staff-replied'
        ? 'The security team has written to you.'
        : 'There is an update.';
  return {
    subject: `[${reference}] Update on your vulnerability report`,
    text: [
      `Hello,`,
      ``,
      `There is news on your vulnerability report ${reference}. ${what}`,
      ``,
      `Open the private tracking link you received when you submitted the report to read it and reply.`,
      `(For your safety, this mail does not contain the link or any details of the report.)`,
      ``,
      `-- `,
      `Sent by Embargo at ${baseUrl}`,
    ].join('\n'),
  };
}

/** The job handlers, wired to the context by hand. */
export function createJobHandlers(ctx: AppContext): JobHandlers {
  return {
    async 'notify-reporter'({ eventId }) {
      const row = await ctx.db
        .selectFrom('report_events as e')
        .innerJoin('reports as r', 'r.id', 'e.report_id')
        .select(['e.type', 'e.data', 'r.reference', 'r.reporter_email'])
        .where('e.id', '=', eventId)
        .executeTakeFirst();
      if (!row) return; // the report was erased since; nothing to tell
      if (!row.reporter_email) {
        ctx.logger.info({ reference: row.reference, event: row.type }, 'reporter notified on the tracking page only (no e-mail given)');
        return;
      }
      if (!ctx.mailer) {
        ctx.logger.info({ reference: row.reference, event: row.type }, 'reporter notification not mailed: EMBARGO_SMTP_URL is not set');
        return;
      }
      const mail = reporterNotification(row.reference, row.type, row.data, ctx.config.baseUrl);
      await ctx.mailer.send({ to: row.reporter_email, ...mail });
      ctx.logger.info({ reference: row.reference, event: row.type }, 'reporter notified by e-mail');
    },
  };
}
