import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientNetwork } from '../../src/staff/client-network.ts';
import { NETWORK_BACKOFF } from '../../src/staff/sign-in-limits.ts';
import { backoffDelaySeconds } from '../../src/web/rate-limit.ts';

describe('sign-in limit rules', () => {
  it('groups addresses by network: IPv4 /24, IPv6 /64, mapped IPv4 as IPv4', () => {
    const cases: [string, string][] = [
      ['192.0.2.77', '192.0.2.0/24'],
      ['192.0.2.1', '192.0.2.0/24'],
      ['::ffff:192.0.2.9', '192.0.2.0/24'],
      ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
      ['2001:DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
      ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
      ['2001:db8:1:3::9', '2001:db8:1:3::/64'],
      ['::1', '0:0:0:0::/64'],
      ['fe80::1%eth0', 'fe80:0:0:0::/64'],
      ['::ffff:0:1.2.3.4', '0:0:0:0::/64'],
    ];
    for (const [address, network] of cases) assert.equal(clientNetwork(address), network, address);
    assert.notEqual(clientNetwork('192.0.2.1'), clientNetwork('192.0.3.1'));
  });

  it('lets five tries go free, then doubles the wait from 30 s up to 15 minutes', () => {
    const waits = Array.from({ length: 12 }, (_, attempts) => backoffDelaySeconds(NETWORK_BACKOFF, attempts));
    assert.deepEqual(waits, [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]);
    assert.equal(backoffDelaySeconds(NETWORK_BACKOFF, 10_000), 900);
  });
});
