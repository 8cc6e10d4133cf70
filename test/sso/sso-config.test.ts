import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { parseRoleMap, rolesFromGroups } from '../../src/staff/sso/sso-config.ts';

const OIDC = { EMBARGO_OIDC_ISSUER: 'https://login.example.com/realms/acme', EMBARGO_OIDC_CLIENT_ID: 'embargo', EMBARGO_OIDC_CLIENT_SECRET: 's3cr3t-value-never-logged' };

describe('single sign-on configuration', () => {
  it('reads the provider, the role map and the password switch', () => {
    const c = loadConfig({ ...OIDC, EMBARGO_OIDC_ROLE_MAP: 'psirt-admins=admin; psirt=example:triager', EMBARGO_PASSWORD_SIGN_IN: 'false', EMBARGO_BREAK_GLASS_ADMIN: 'Root@Example.com' });
    assert.equal(c.sso?.issuer.href, 'https://login.example.com/realms/acme');
    assert.equal(c.sso?.scopes, 'openid email profile');
    assert.deepEqual(c.sso?.roleMap, [
      { group: 'psirt-admins', role: 'admin', program: undefined },
      { group: 'psirt', role: 'triager', program: 'example' },
    ]);
    assert.deepEqual(c.passwordSignIn, { enabled: false, breakGlassEmail: 'root@example.com' });
  });

  it('never shows the client secret: not in JSON, not in util.inspect, not as a string', () => {
    const c = loadConfig(OIDC);
    for (const shown of [JSON.stringify(c), inspect(c, { depth: 10 }), String(c.sso?.clientSecret)]) assert.ok(!shown.includes('s3cr3t'), shown);
    assert.equal(c.sso?.clientSecret.reveal(), OIDC.EMBARGO_OIDC_CLIENT_SECRET);
  });

  it('refuses incomplete or contradictory settings with every problem at once', () => {
    assert.throws(
      () => loadConfig({ EMBARGO_OIDC_ISSUER: 'http://login.example.com', EMBARGO_OIDC_CLIENT_ID: 'x', EMBARGO_OIDC_CLIENT_SECRET: 'y', EMBARGO_OIDC_ROLE_MAP: 'a=boss; b=nope:admin' }),
      (err: Error) => err instanceof ConfigError && /https:\/\//.test(err.message) && /role must be/.test(err.message) && /no program with the slug "nope"/.test(err.message),
    );
    assert.throws(() => loadConfig({ EMBARGO_OIDC_ISSUER: 'https://login.example.com' }), /must be set together/);
    assert.throws(() => loadConfig({ EMBARGO_PASSWORD_SIGN_IN: 'false' }), /needs single sign-on/);
    assert.throws(() => loadConfig({ ...OIDC, EMBARGO_OIDC_CREATE_ACCOUNTS: 'true' }), /needs EMBARGO_OIDC_ROLE_MAP/);
    // A provider on loopback may speak plain HTTP (tests, a provider on the same host).
    assert.equal(loadConfig({ ...OIDC, EMBARGO_OIDC_ISSUER: 'http://127.0.0.1:9999' }).sso?.issuer.host, '127.0.0.1:9999');
  });
});

describe('roles from groups', () => {
  const programs = [{ id: 'p1', slug: 'acme' }, { id: 'p2', slug: 'beta' }];
  it('gives the highest mapped role per program, and nothing for unmapped groups', () => {
    const map = parseRoleMap('psirt=triager; acme-leads=acme:lead; viewers=viewer', ['acme', 'beta']);
    assert.ok(map.ok);
    assert.deepEqual([...rolesFromGroups(map.map, ['psirt', 'acme-leads'], programs)], [['p1', 'lead'], ['p2', 'triager']]);
    assert.deepEqual([...rolesFromGroups(map.map, ['acme-leads'], programs)], [['p1', 'lead']]);
    assert.equal(rolesFromGroups(map.map, ['marketing'], programs).size, 0);
  });
  it('splits on commas only when no semicolon or new line is used (LDAP names hold commas)', () => {
    assert.deepEqual(parseRoleMap('a=admin,b=viewer', []), { ok: true, map: [{ group: 'a', role: 'admin', program: undefined }, { group: 'b', role: 'viewer', program: undefined }] });
    const ldap = parseRoleMap('CN=psirt,OU=Groups,DC=example=triager\nCN=admins,OU=Groups=admin', []);
    assert.ok(ldap.ok);
    assert.deepEqual(ldap.map.map((m) => [m.group, m.role]), [['CN=psirt,OU=Groups,DC=example', 'triager'], ['CN=admins,OU=Groups', 'admin']]);
  });
});
