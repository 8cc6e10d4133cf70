/**
 * A relay's answer with the recipient's address blanked out: relays quote it
 * ("550 5.1.1 <jane@example.org>: Recipient address rejected"), and answers are
 * stored, logged and kept as job errors, where a sealed address must not
 * reappear in clear. Case-insensitive; at most 1,000 characters.
 */
export function blankAddress(response: string, address: string): string {
  const lower = address.toLowerCase();
  let out = response;
  if (lower) for (let i = out.toLowerCase().indexOf(lower); i >= 0; i = out.toLowerCase().indexOf(lower)) out = out.slice(0, i) + '[address]' + out.slice(i + address.length);
  return out.slice(0, 1000);
}
