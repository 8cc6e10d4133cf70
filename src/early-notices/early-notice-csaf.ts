import type { AdvisoryPublisher } from '../advisories/advisory.ts';
import { csafPublisher } from '../advisories/render-csaf-distribution.ts';
import { TLP_AMBER_TEXT, type EarlyNoticeContent } from './early-notice-content.ts';

/**
 * An early notice as a CSAF 2.0 security advisory, for customers whose tools
 * read CSAF: `distribution.tlp.label` AMBER (CSAF 2.0 uses the TLP 1.0 labels;
 * AMBER means the same audience as the mail's TLP 2.0 TLP:AMBER), tracking
 * status `interim` (the public advisory, TLP:WHITE, follows), the affected
 * products as known_affected, the mitigation, and no fix yet. It is never
 * served publicly: the team downloads it from the report's early notice page.
 */
export function renderEarlyNoticeCsaf(args: {
  /** e.g. "EMB-2026-0042-EN-1": the report's reference and the notice's number. */
  trackingId: string;
  publisher: AdvisoryPublisher;
  products: readonly { id: string; name: string }[];
  content: EarlyNoticeContent;
  /** When it was sent (or written, while it waits for approval). */
  date: Date;
}) {
  const { content: c } = args;
  const date = args.date.toISOString();
  const vendor = args.publisher.name;
  const affected = c.products.map((id) => ({ id, name: args.products.find((p) => p.id === id)?.name ?? id }));
  const ids = affected.map((p) => p.id);
  return {
    document: {
      ...(c.severity ? { aggregate_severity: { text: c.severity } } : {}),
      category: 'csaf_security_advisory' as const,
      csaf_version: '2.0' as const,
      distribution: { text: TLP_AMBER_TEXT, tlp: { label: 'AMBER' as const, url: 'https://www.first.org/tlp/' } },
      lang: 'en' as const,
      notes: [
        { category: 'summary' as const, text: c.summary, title: 'Summary' },
        { category: 'legal_disclaimer' as const, text: TLP_AMBER_TEXT, title: 'TLP:AMBER' },
      ],
      publisher: csafPublisher(args.publisher),
      references: [{ category: 'external' as const, summary: 'Public security advisories (the public advisory follows this early notice)', url: `${args.publisher.baseUrl}/advisories` }],
      title: c.title,
      tracking: {
        current_release_date: date,
        generator: { engine: { name: 'Embargo' } },
        id: args.trackingId,
        initial_release_date: date,
        revision_history: [{ date, number: '1', summary: 'Early notice before publication (TLP:AMBER)' }],
        status: 'interim' as const,
        version: '1',
      },
    },
    product_tree: {
      branches: [
        {
          branches: affected.map((p) => ({ category: 'product_name' as const, name: p.name, product: { name: `${vendor} ${p.name}`, product_id: p.id } })),
          category: 'vendor' as const,
          name: vendor,
        },
      ],
    },
    vulnerabilities: [
      {
        notes: [{ category: 'summary' as const, text: c.summary, title: 'Summary' }],
        product_status: { known_affected: ids },
        remediations: [
          { category: 'mitigation' as const, details: c.mitigation, product_ids: ids },
          { category: 'none_available' as const, details: c.expectedFixDate ? `No fix is available yet; it is expected by ${c.expectedFixDate}.` : 'No fix is available yet.', product_ids: ids },
        ],
      },
    ],
  };
}
