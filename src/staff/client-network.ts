import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network an address belongs to, for limits that should follow one
 * place rather than one address: /24 for IPv4, /64 for IPv6 (one home or
 * office line gets a whole /64, so per-address limits there mean nothing).
 * IPv4-mapped IPv6 (::ffff:192.0.2.1) is treated as the IPv4 address.
 * Anything else (a Unix socket, an odd proxy value) is its own network.
 */
export function clientNetwork(address: string): string {
  const ip = address.trim().toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (isIPv4(ip)) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(ip)) return `${ipv6Groups(ip).slice(0, 4).join(':')}::/64`;
  return ip;
}

/** The eight 16-bit groups of an IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(ip: string): string[] {
  const bare = ip.replace(/%.*$/, ''); // zone id (fe80::1%eth0)
  const [head = '', tail] = bare.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').flatMap(v4Tail) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}

/** An embedded IPv4 tail (::1.2.3.4) as two groups. */
function v4Tail(group: string): string[] {
  if (!group.includes('.')) return [group];
  const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
