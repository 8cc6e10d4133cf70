import type { AppContext } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { loadProgram } from '../programs/programs.ts';
import { reportKey } from '../reports/report-contents.ts';
import { follows } from '../subscriptions/selection.ts';
import { sendSubscriberMail } from '../subscriptions/send-subscriber-mail.ts';
import { openAddress, subscriberKeys } from '../subscriptions/subscriber-crypto.ts';
import type { EarlyNoticeContent } from './early-notice-content.ts';
import { earlyNoticeMail } from './early-notice-mail.ts';
import { earlyNoticePurpose } from './send-early-notice.ts';

type JobContext = Pick<AppContext, 'db' | 'config' | 'logger' | 'mailer' | 'secret' | 'vault'>;

/**
 * The 'mail-early-notice' job: one signed TLP:AMBER mail to one subscriber,
 * written from fresh data (the payload is an id). A subscriber who left, was
 * never confirmed, or no longer follows the products gets nothing; a sent
 * notice is marked, so a re-run sends nothing.
 */
export function earlyNoticeJobHandlers(ctx: JobContext): { 'mail-early-notice': JobHandler<'mail-early-notice'> } {
  const keys = subscriberKeys(ctx.secret);
  return {
    async 'mail-early-notice'({ recipientId }, job) {
      const r = await ctx.db
        .selectFrom('early_notice_recipients as r')
        .innerJoin('early_notices as n', 'n.id', 'r.notice_id')
        .innerJoin('reports as rep', 'rep.id', 'n.report_id')
        .select(['r.id', 'r.subscriber_id', 'r.sent_at', 'n.id as notice_id', 'n.state', 'n.program_id', 'n.content_sealed', 'rep.id as report_id', 'rep.data_key'])
        .where('r.id', '=', recipientId)
        .executeTakeFirst();
      if (!r || r.sent_at !== null || r.state !== 'sent') return;
      const s = await ctx.db
        .selectFrom('subscribers')
        .select(['id', 'program_id', 'data_key', 'email_sealed', 'all_products', 'products', 'confirmed_at'])
        .where('id', '=', r.subscriber_id)
        .executeTakeFirst();
      const program = s && (await loadProgram(ctx.db, { id: s.program_id }));
      if (!s || !program || s.confirmed_at === null || s.program_id !== r.program_id) return;
      const content = JSON.parse(ctx.vault.openText(reportKey(ctx.vault, { id: r.report_id, data_key: r.data_key }), earlyNoticePurpose(r.notice_id), r.content_sealed)) as EarlyNoticeContent;
      const selection = { allProducts: s.all_products, products: s.products };
      // They may have changed their products since the notice was queued.
      if (!follows(selection, content.products)) return;
      const unsubscribeUrl = `${ctx.config.baseUrl}/unsubscribe/${keys.unsubscribeToken(s.id)}`;
      const outcome = await sendSubscriberMail(ctx, job, {
        subscriberId: s.id,
        template: 'early-notice',
        programId: program.id,
        vendor: program.config.vendor,
        to: openAddress(ctx.vault, s),
        rendered: earlyNoticeMail({ vendor: program.config.vendor, baseUrl: ctx.config.baseUrl, products: program.config.products, unsubscribeUrl }, { content, selection }),
        unsubscribeUrl,
      });
      if (outcome !== 'skipped') await ctx.db.updateTable('early_notice_recipients').set({ sent_at: new Date() }).where('id', '=', r.id).execute();
    },
  };
}
