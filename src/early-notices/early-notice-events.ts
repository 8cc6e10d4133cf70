/** Timeline sentence of an early notice (src/early-notices/): who (the actor), how many, which products; never who received it. */
export function describeEarlyNoticeEvent(type: string, data: Record<string, unknown>, who: string): string | undefined {
  if (type !== 'early-notice-sent') return undefined;
  const n = typeof data.recipients === 'number' ? data.recipients : 0;
  const products = Array.isArray(data.products) ? data.products.map(String).join(', ') : '';
  return `${who} sent a TLP:AMBER early customer notice${products ? ` about ${products}` : ''} to ${n} subscriber${n === 1 ? '' : 's'}.`;
}
