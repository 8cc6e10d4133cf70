import { toAdvisory, type AdvisoryContent } from '../advisories/advisory-content.ts';
import type { AdvisoryRevision } from '../advisories/advisory.ts';
import { advisoryPublisher } from '../advisories/advisory-store.ts';
import type { AppContext } from '../context.ts';
import { hashToken, safeEqual } from '../domain/tokens.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { unseal } from '../mail/seal.ts';
import { programBaseUrl } from '../programs/program-hosts.ts';
import { loadProgram, type Program } from '../programs/programs.ts';
import { fanOutAdvisoryNotice } from './notify-subscribers.ts';
import { CONFIRM_TOKEN_PURPOSE, purgeExpiredPending } from './request-subscription.ts';
import { follows } from './selection.ts';
import { sendSubscriberMail } from './send-subscriber-mail.ts';
import { openAddress, subscriberKeys } from './subscriber-crypto.ts';
import { advisoryNoticeMail, confirmationMail, manageMail, type SubscriberMailContext } from './subscriber-mails.ts';
import { translator } from '../i18n/translator.ts';
import { mailLanguage } from '../i18n/mail-language.ts';

type JobContext = Pick<AppContext, 'db' | 'config' | 'logger' | 'mailer' | 'secret' | 'vault'>;

const SUBSCRIBER_COLUMNS = ['id', 'program_id', 'data_key', 'email_sealed', 'all_products', 'products', 'confirmed_at', 'pending_all_products', 'pending_products', 'language'] as const;

/** The job handlers of customer subscriptions, for src/jobs/handlers.ts. Payloads carry ids; mails are written from fresh data. */
export function subscriptionJobHandlers(ctx: JobContext): {
  'subscription-mail': JobHandler<'subscription-mail'>;
  'notify-subscribers': JobHandler<'notify-subscribers'>;
  'mail-subscriber': JobHandler<'mail-subscriber'>;
  'forget-unconfirmed-subscribers': JobHandler<'forget-unconfirmed-subscribers'>;
} {
  const keys = subscriberKeys(ctx.secret);
  // The subscriber's links are on the program's own host (src/programs/program-hosts.ts).
  const mailContext = (program: Program, subscriberId: string, language: string | null): SubscriberMailContext => ({
    // The language chosen when subscribing, if the program still offers it; else the program's default.
    t: translator(mailLanguage(program, language)),
    vendor: program.config.vendor,
    baseUrl: programBaseUrl(ctx.config.baseUrl, program),
    products: program.config.products,
    unsubscribeUrl: `${programBaseUrl(ctx.config.baseUrl, program)}/unsubscribe/${keys.unsubscribeToken(subscriberId)}`,
  });

  return {
    async 'subscription-mail'({ subscriberId, sealedToken }, job) {
      if (!sealedToken) return; // already sent and scrubbed (a stale claim re-run after a crash)
      const scrub = () => ctx.db.updateTable('jobs').set({ payload: JSON.stringify({ subscriberId }) }).where('id', '=', job.id).execute();
      const s = await ctx.db.selectFrom('subscribers').select([...SUBSCRIBER_COLUMNS, 'confirm_token_hash']).where('id', '=', subscriberId).executeTakeFirst();
      const program = s && (await loadProgram(ctx.db, { id: s.program_id }));
      // Unsubscribed, forgotten, or confirmed already: nothing to say.
      if (!s || !program || s.pending_all_products === null) return void (await scrub());
      const token = unseal(ctx.secret, CONFIRM_TOKEN_PURPOSE, subscriberId, Buffer.from(sealedToken, 'base64')).toString();
      // Asked again since: that request's own job sends the link that works; this one would be dead.
      if (!s.confirm_token_hash || !safeEqual(s.confirm_token_hash, hashToken(token))) return void (await scrub());
      const m = mailContext(program, s.id, s.language);
      const confirmUrl = `${m.baseUrl}/subscribe/confirm/${token}`;
      const requested = { allProducts: s.pending_all_products, products: s.pending_products ?? [] };
      const confirmed = s.confirmed_at !== null;
      await sendSubscriberMail(ctx, job, {
        subscriberId: s.id,
        template: confirmed ? 'subscription-manage' : 'subscription-confirm',
        programId: program.id,
        vendor: program.config.vendor,
        to: openAddress(ctx.vault, s),
        rendered: confirmed
          ? manageMail(m, { confirmUrl, current: { allProducts: s.all_products, products: s.products }, requested })
          : confirmationMail(m, { confirmUrl, selection: requested }),
        unsubscribeUrl: m.unsubscribeUrl,
      });
      // Sent or refused for good: a dump taken later holds no confirmation link. (A temporary failure threw and keeps it.)
      await scrub();
    },

    async 'forget-unconfirmed-subscribers'() {
      const forgotten = await purgeExpiredPending(ctx.db, new Date());
      if (forgotten) ctx.logger.info({ forgotten }, 'unconfirmed subscriptions forgotten');
    },

    async 'notify-subscribers'(payload) {
      const queued = await fanOutAdvisoryNotice(ctx.db, payload);
      ctx.logger.info({ advisoryId: payload.advisoryId, revision: payload.revision, queued }, 'advisory notices queued for subscribers');
    },

    async 'mail-subscriber'({ notificationId }, job) {
      const n = await ctx.db
        .selectFrom('subscriber_notifications as n')
        .innerJoin('advisories as a', 'a.id', 'n.advisory_id')
        .select(['n.id', 'n.subscriber_id', 'n.revision', 'n.sent_at', 'a.id as advisory_id', 'a.public_id', 'a.state', 'a.content', 'a.revisions'])
        .where('n.id', '=', notificationId)
        .executeTakeFirst();
      // Gone with an unsubscribed subscriber, or sent already by an earlier run of this job.
      if (!n || n.sent_at !== null || n.state !== 'published') return;
      const s = await ctx.db.selectFrom('subscribers').select(SUBSCRIBER_COLUMNS).where('id', '=', n.subscriber_id).executeTakeFirst();
      const program = s && (await loadProgram(ctx.db, { id: s.program_id }));
      if (!s || !program || s.confirmed_at === null || !n.public_id) return;
      const content = n.content as AdvisoryContent;
      const selection = { allProducts: s.all_products, products: s.products };
      // They may have changed their products since the fan-out.
      if (!follows(selection, content.products.map((p) => p.productId))) return;
      const advisory = toAdvisory({ publicId: n.public_id, content, publisher: advisoryPublisher(program, ctx.config.baseUrl), revisions: n.revisions as AdvisoryRevision[] });
      const m = mailContext(program, s.id, s.language);
      const outcome = await sendSubscriberMail(ctx, job, {
        subscriberId: s.id,
        template: 'advisory-notice',
        advisory: { id: n.advisory_id, revision: n.revision },
        programId: program.id,
        vendor: program.config.vendor,
        to: openAddress(ctx.vault, s),
        rendered: advisoryNoticeMail(m, { advisory, revision: n.revision, selection }),
        unsubscribeUrl: m.unsubscribeUrl,
      });
      if (outcome !== 'skipped') await ctx.db.updateTable('subscriber_notifications').set({ sent_at: new Date() }).where('id', '=', n.id).execute();
    },
  };
}
