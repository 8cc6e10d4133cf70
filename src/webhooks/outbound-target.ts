import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Outbound requests to addresses an admin typed (webhooks, issue trackers)
 * must not become a way into the instance's own network (SSRF): unless the
 * operator allows it (EMBARGO_INTEGRATIONS_ALLOW_PRIVATE), only https and only
 * public addresses. The address is checked when the URL is saved and again
 * at connection time (a name may later resolve elsewhere: DNS rebinding).
 */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** Loopback, private, link-local, shared, multicast, reserved or documentation address (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class RefusedTargetError extends Error {}

/** Why `raw` may not be used as an outbound URL, or undefined when it may; resolves the name to check where it points. */
export async function targetProblem(raw: string, allowPrivate: boolean): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Not a URL: it must look like https://example.com/path.';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    return allowPrivate ? 'The URL must start with https:// or http://.' : 'The URL must start with https:// (http:// only where the operator allows private targets).';
  }
  if (url.username || url.password) return 'Put credentials in the token field, not in the URL.';
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'The URL points to this machine; only public addresses are allowed.';
  try {
    const addresses = isIP(host) ? [{ address: host }] : await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (err, a) => (err ? reject(err) : resolve(a))));
    if (addresses.some((a) => isPrivateAddress(a.address))) return 'The URL points to a private, loopback or reserved network address; only public addresses are allowed.';
  } catch {
    return `The name ${host} could not be resolved.`;
  }
  return undefined;
}

/**
 * A `lookup` for node:http(s) requests that refuses private addresses at
 * connection time (unless allowed), so a name re-pointed after it was saved
 * cannot reach the internal network.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const refused = !allowPrivate && addresses.some((a) => isPrivateAddress(a.address));
      if (refused) return callback(new RefusedTargetError(`refused: ${hostname} resolves to a private or reserved address`), '');
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}
