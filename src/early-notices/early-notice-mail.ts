import { oneLine } from '../advisories/output-text.ts';
import type { RenderedMail } from '../mail/templates/template.ts';
import { describeSelection, type SubscriberMailContext } from '../subscriptions/subscriber-mails.ts';
import { TLP_AMBER_TEXT, type EarlyNoticeContent } from './early-notice-content.ts';

/**
 * The TLP:AMBER early notice to one subscriber: its own module (the subscriber
 * mail templates are being translated elsewhere), plain text, the TLP label
 * first in the subject and the body, what to do now, and no link to details
 * that are not public yet.
 */
export function earlyNoticeMail(ctx: SubscriberMailContext, args: { content: EarlyNoticeContent; selection: { allProducts: boolean; products: readonly string[] } }): RenderedMail {
  const c = args.content;
  const names = c.products.map((id) => ctx.products.find((p) => p.id === id)?.name ?? id);
  return {
    subject: oneLine(`[TLP:AMBER] Early security notice from ${ctx.vendor}: ${c.title}`),
    text: [
      'TLP:AMBER',
      TLP_AMBER_TEXT,
      '',
      `${ctx.vendor} is telling customers who follow ${names.join(', ')} about a vulnerability before it is published, so that you can protect your systems until a fix is available.`,
      '',
      oneLine(c.title),
      ...(c.severity ? [`Severity: ${oneLine(c.severity)}`] : []),
      `Affected products: ${names.join(', ')}`,
      `Expected fix: ${c.expectedFixDate ? `by ${c.expectedFixDate}` : 'not yet known'}`,
      '',
      'Summary:',
      c.summary,
      '',
      'What you can do now:',
      c.mitigation,
      '',
      `A public security advisory will follow when the fix is available: ${ctx.baseUrl}/advisories`,
      'This mail is signed with our OpenPGP key (published at ' + `${ctx.baseUrl}/pgp-key.txt).`,
      '',
      '-- ',
      `You get this notice because you subscribed to ${ctx.vendor} security advisories for: ${describeSelection(ctx, args.selection)}.`,
      `Unsubscribe: ${ctx.unsubscribeUrl}`,
    ].join('\n'),
  };
}
