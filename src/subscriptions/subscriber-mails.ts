import type { Advisory, AdvisoryProduct } from '../advisories/advisory.ts';
import { oneLine } from '../advisories/output-text.ts';
import type { RenderedMail } from '../mail/templates/template.ts';
import { CONFIRM_LINK_HOURS } from './request-subscription.ts';

/** What every subscriber mail needs to name the sender and the products. */
export interface SubscriberMailContext {
  vendor: string;
  baseUrl: string;
  products: readonly { id: string; name: string }[];
  /** The subscriber's one-click unsubscribe address (also sent as List-Unsubscribe). */
  unsubscribeUrl: string;
}

/** "Example Cloud, Example Gateway" or "all Example Corp products". */
export function describeSelection(ctx: Pick<SubscriberMailContext, 'vendor' | 'products'>, selection: { allProducts: boolean; products: readonly string[] }): string {
  if (selection.allProducts) return `all ${ctx.vendor} products`;
  return selection.products.map((id) => ctx.products.find((p) => p.id === id)?.name ?? id).join(', ');
}

function footer(ctx: SubscriberMailContext, why: string): string[] {
  return ['', '-- ', why, `Unsubscribe: ${ctx.unsubscribeUrl}`, `${ctx.vendor} security advisories: ${ctx.baseUrl}/advisories`];
}

/** Double opt-in: the link to confirm a new subscription. */
export function confirmationMail(ctx: SubscriberMailContext, args: { confirmUrl: string; selection: { allProducts: boolean; products: readonly string[] } }): RenderedMail {
  return {
    subject: oneLine(`Confirm your subscription to ${ctx.vendor} security advisories`),
    text: [
      `Someone, hopefully you, asked to receive ${ctx.vendor} security advisories at this address, for: ${describeSelection(ctx, args.selection)}.`,
      '',
      `To confirm, open this link and press "Confirm" (it works for ${CONFIRM_LINK_HOURS} hours, once):`,
      args.confirmUrl,
      '',
      `If you did not ask for this, ignore this mail: we will send you nothing more, and forget the address when the link expires.`,
      ...footer(ctx, 'You get this mail because this address was entered on our subscription page.'),
    ].join('\n'),
  };
}

/** To a confirmed subscriber who asked again: what they follow, the change to confirm, and how to leave. */
export function manageMail(ctx: SubscriberMailContext, args: { confirmUrl: string; current: { allProducts: boolean; products: readonly string[] }; requested: { allProducts: boolean; products: readonly string[] } }): RenderedMail {
  const current = describeSelection(ctx, args.current);
  const requested = describeSelection(ctx, args.requested);
  const same = current === requested;
  return {
    subject: oneLine(`Your subscription to ${ctx.vendor} security advisories`),
    text: [
      `This address is already subscribed to ${ctx.vendor} security advisories, for: ${current}.`,
      '',
      ...(same
        ? ['Someone, hopefully you, asked to subscribe it again with the same products: nothing needs to change.']
        : [
            `Someone, hopefully you, asked to change this to: ${requested}.`,
            `To make that change, open this link and press "Confirm" (it works for ${CONFIRM_LINK_HOURS} hours, once):`,
            args.confirmUrl,
            '',
            'If you did not ask for this, ignore this mail: nothing changes.',
          ]),
      ...footer(ctx, 'You get this mail because you subscribed to our security advisories.'),
    ].join('\n'),
  };
}

function affected(p: AdvisoryProduct): string {
  const range = p.introduced && p.fixed ? `${p.introduced} up to, not including, ${p.fixed}` : p.fixed ? `before ${p.fixed}` : p.introduced ? `${p.introduced} and later` : 'all versions';
  return `- ${p.name}: affected ${range}; ${p.fixed ? `fixed in ${p.fixed}` : 'no fixed version yet'}`;
}

/**
 * The notice of a published advisory (revision 1) or of a new revision: public
 * information only (what the advisory page says), plain text, and the link.
 */
export function advisoryNoticeMail(ctx: SubscriberMailContext, args: { advisory: Advisory; revision: number; selection: { allProducts: boolean; products: readonly string[] } }): RenderedMail {
  const a = args.advisory;
  const updated = args.revision > 1;
  const rev = a.revisions.find((r) => r.number === args.revision);
  const url = `${ctx.baseUrl}/advisories/${encodeURIComponent(a.id)}`;
  const severity = a.cvss ? `${a.cvss.severity[0]!.toUpperCase()}${a.cvss.severity.slice(1)} (CVSS ${a.cvss.version} ${a.cvss.score.toFixed(1)})` : 'not scored';
  return {
    subject: oneLine(`[${a.id}] ${updated ? `Updated security advisory (revision ${args.revision})` : 'Security advisory'}: ${a.title}`),
    text: [
      updated
        ? `${ctx.vendor} updated a security advisory about products you follow (revision ${args.revision}${rev ? `: ${oneLine(rev.summary)}` : ''}).`
        : `${ctx.vendor} published a security advisory about products you follow.`,
      '',
      `${a.id}: ${oneLine(a.title)}`,
      `Severity: ${severity}`,
      ...(a.cveId ? [`CVE: ${a.cveId}`] : []),
      '',
      'Affected products:',
      ...a.products.map(affected),
      '',
      'Summary:',
      a.summary,
      '',
      `Read the advisory, with details and what to do: ${url}`,
      ...footer(ctx, `You get this mail because you subscribed to ${ctx.vendor} security advisories for: ${describeSelection(ctx, args.selection)}.`),
    ].join('\n'),
  };
}
