import type { Advisory, AdvisoryProduct } from '../advisories/advisory.ts';
import { oneLine } from '../advisories/output-text.ts';
import type { RenderedMail } from '../mail/templates/template.ts';
import { CONFIRM_LINK_HOURS } from './request-subscription.ts';
import { translator, type Translator } from '../i18n/translator.ts';

/** What every subscriber mail needs to name the sender and the products. */
export interface SubscriberMailContext {
  vendor: string;
  baseUrl: string;
  products: readonly { id: string; name: string }[];
  /** The subscriber's one-click unsubscribe address (also sent as List-Unsubscribe). */
  unsubscribeUrl: string;
  /** The subscriber's language, chosen when subscribing (docs/languages.md); absent: English. */
  t?: Translator;
}

const english = translator('en');

/** "Example Cloud, Example Gateway" or "all Example Corp products". */
export function describeSelection(ctx: Pick<SubscriberMailContext, 'vendor' | 'products'>, selection: { allProducts: boolean; products: readonly string[] }, t: Translator = english): string {
  if (selection.allProducts) return t.t('subscribe.allProducts', { vendor: ctx.vendor });
  return selection.products.map((id) => ctx.products.find((p) => p.id === id)?.name ?? id).join(', ');
}

function footer(ctx: SubscriberMailContext, why: string): string[] {
  const { t } = ctx.t ?? english;
  return ['', '-- ', why, t('submail.footer.unsubscribe', { url: ctx.unsubscribeUrl }), t('submail.footer.advisories', { vendor: ctx.vendor, url: `${ctx.baseUrl}/advisories` })];
}

/** Double opt-in: the link to confirm a new subscription. */
export function confirmationMail(ctx: SubscriberMailContext, args: { confirmUrl: string; selection: { allProducts: boolean; products: readonly string[] } }): RenderedMail {
  const tr = ctx.t ?? english;
  const { t } = tr;
  return {
    subject: oneLine(t('submail.confirm.subject', { vendor: ctx.vendor })),
    text: [
      t('submail.confirm.asked', { vendor: ctx.vendor, what: describeSelection(ctx, args.selection, tr) }),
      '',
      t('submail.confirm.how', { hours: CONFIRM_LINK_HOURS }),
      args.confirmUrl,
      '',
      t('submail.confirm.ignore'),
      ...footer(ctx, t('submail.confirm.why')),
    ].join('\n'),
  };
}

/** To a confirmed subscriber who asked again: what they follow, the change to confirm, and how to leave. */
export function manageMail(ctx: SubscriberMailContext, args: { confirmUrl: string; current: { allProducts: boolean; products: readonly string[] }; requested: { allProducts: boolean; products: readonly string[] } }): RenderedMail {
  const tr = ctx.t ?? english;
  const { t } = tr;
  const current = describeSelection(ctx, args.current, tr);
  const requested = describeSelection(ctx, args.requested, tr);
  const same = current === requested;
  return {
    subject: oneLine(t('submail.manage.subject', { vendor: ctx.vendor })),
    text: [
      t('submail.manage.already', { vendor: ctx.vendor, what: current }),
      '',
      ...(same
        ? [t('submail.manage.same')]
        : [t('submail.manage.change', { what: requested }), t('submail.manage.how', { hours: CONFIRM_LINK_HOURS }), args.confirmUrl, '', t('submail.manage.ignore')]),
      ...footer(ctx, t('submail.manage.why')),
    ].join('\n'),
  };
}

function affected(p: AdvisoryProduct, tr: Translator): string {
  const range = tr.t('submail.notice.range', {
    range: p.introduced && p.fixed ? 'between' : p.fixed ? 'before' : p.introduced ? 'from' : 'all',
    introduced: p.introduced ?? '',
    fixed: p.fixed ?? '',
  });
  return tr.t('submail.notice.product', { name: p.name, range, hasFix: p.fixed ? 'yes' : 'no', fixed: p.fixed ?? '' });
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
  const tr = ctx.t ?? english;
  const { t } = tr;
  // The advisory's own words (title, summary) are the team's, in the language they wrote; the frame is the subscriber's.
  const severity = a.cvss ? t('submail.notice.severityScored', { severity: a.cvss.severity, version: a.cvss.version, score: a.cvss.score.toFixed(1) }) : t('submail.notice.notScored');
  return {
    subject: oneLine(
      updated ? t('submail.notice.updatedSubject', { id: a.id, revision: args.revision, title: a.title }) : t('submail.notice.subject', { id: a.id, title: a.title }),
    ),
    text: [
      updated
        ? t('submail.notice.updated', { vendor: ctx.vendor, revision: args.revision, hasSummary: rev ? 'yes' : 'no', summary: rev ? oneLine(rev.summary) : '' })
        : t('submail.notice.published', { vendor: ctx.vendor }),
      '',
      `${a.id}: ${oneLine(a.title)}`,
      t('submail.notice.severity', { severity }),
      ...(a.cveId ? [`CVE: ${a.cveId}`] : []),
      '',
      t('submail.notice.affected'),
      ...a.products.map((p) => affected(p, tr)),
      '',
      t('submail.notice.summary'),
      a.summary,
      '',
      t('submail.notice.read', { url }),
      ...footer(ctx, t('submail.notice.why', { vendor: ctx.vendor, what: describeSelection(ctx, args.selection, tr) })),
    ].join('\n'),
  };
}
