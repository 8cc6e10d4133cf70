import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { duplicateHostnames, normalizeHostname, programBaseUrl, programSlugForHost } from '../../src/programs/program-hosts.ts';

const programs = [
  { slug: 'nordlys', hostnames: ['security.nordlys.example'] },
  { slug: 'vigila', hostnames: ['security.vigila.example', 'psirt.vigila.example'] },
  { slug: 'plain', hostnames: [] },
];

describe('which program a host name belongs to', () => {
  it('finds the program naming the host, whatever its case, port or trailing dot', () => {
    assert.equal(programSlugForHost(programs, 'nordlys', 'security.vigila.example'), 'vigila');
    assert.equal(programSlugForHost(programs, 'nordlys', 'PSIRT.Vigila.Example:8443'), 'vigila');
    assert.equal(programSlugForHost(programs, 'nordlys', 'security.vigila.example.'), 'vigila');
    assert.equal(programSlugForHost(programs, 'plain', 'security.nordlys.example'), 'nordlys');
  });

  it('gives the default program for any other host, an address, or none', () => {
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'evil.example', 'vigila.example', 'xsecurity.vigila.example', '', undefined]) {
      assert.equal(programSlugForHost(programs, 'plain', host), 'plain', String(host));
    }
  });

  it('normalizes host names as browsers send them', () => {
    assert.equal(normalizeHostname('Security.Example.COM:443'), 'security.example.com');
    assert.equal(normalizeHostname('[::1]:3000'), '[::1]');
    assert.equal(normalizeHostname('example.com.'), 'example.com');
  });
});

describe("a program's public base URL", () => {
  it('is its first host name with the scheme and port of EMBARGO_BASE_URL', () => {
    assert.equal(programBaseUrl('https://psirt.example.com', { config: programs[1]! }), 'https://security.vigila.example');
    assert.equal(programBaseUrl('http://localhost:3000', { config: programs[0]! }), 'http://security.nordlys.example:3000');
  });

  it("is the instance's URL for a program without host names", () => {
    assert.equal(programBaseUrl('https://psirt.example.com', { config: programs[2]! }), 'https://psirt.example.com');
  });
});

describe('hostnames in the program config', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'embargo-hosts-'));
  const examples = ['gateway-vendor', 'fraud-platform'].map((n) => JSON.parse(readFileSync(`examples/${n}.json`, 'utf8')).programs[0]);
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };

  it('are lower-cased and checked: a URL, a port or a path is refused with a clear message', () => {
    const ok = loadConfig({ EMBARGO_CONFIG: write('ok.json', { programs: [{ ...examples[0], hostnames: ['Security.Nordlys.Example'] }] }) });
    assert.deepEqual(ok.programs[0]!.hostnames, ['security.nordlys.example']);
    for (const bad of ['https://security.nordlys.example', 'security.nordlys.example:443', 'security.nordlys.example/x', 'two words']) {
      assert.throws(() => loadConfig({ EMBARGO_CONFIG: write('bad.json', { programs: [{ ...examples[0], hostnames: [bad] }] }) }), (e: Error) => e instanceof ConfigError && /programs\.0\.hostnames\.0: a host name/.test(e.message), bad);
    }
  });

  it('absent: none (a config written before them loads unchanged)', () => {
    assert.deepEqual(loadConfig({ EMBARGO_CONFIG: 'examples/gateway-vendor.json' }).programs[0]!.hostnames, []);
  });

  it('one host name belongs to one program only', () => {
    const file = write('dup.json', { programs: [{ ...examples[0], hostnames: ['security.example'] }, { ...examples[1], hostnames: ['SECURITY.example'] }] });
    assert.throws(() => loadConfig({ EMBARGO_CONFIG: file }), /host name security\.example is named by programs nordlys and vigila/);
    assert.deepEqual(duplicateHostnames([{ slug: 'a', hostnames: ['x.example', 'x.example'] }]), [], 'twice in one program is harmless');
  });

  it('examples/several-programs.json is the two examples at once, each on its own host name', () => {
    const together = loadConfig({ EMBARGO_CONFIG: 'examples/several-programs.json' }).programs;
    const alone = ['gateway-vendor', 'fraud-platform'].map((n) => loadConfig({ EMBARGO_CONFIG: `examples/${n}.json` }).programs[0]!);
    assert.deepEqual(
      together.map(({ hostnames, ...rest }) => rest),
      alone.map(({ hostnames: _h, ...rest }) => rest),
    );
    assert.deepEqual(together.map((p) => p.hostnames), [['security.nordlys.example'], ['security.vigila.example']]);
  });
});
