import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as openpgp from 'openpgp';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

const report = {
  title: 'Open redirect in the login page',
  product: 'example-cloud',
  productVersion: '4.2',
  vulnerabilityType: 'other',
  description: 'The next parameter accepts any absolute URL.',
  stepsToReproduce: 'Open /login?next=https://evil.example',
  impact: 'Phishing with our domain in the link.',
  reporterEmail: 'finder@example.org',
  creditPreference: 'anonymous',
  acceptPolicy: 'yes',
  policyVersion: '1',
};

describe('the reporter’s public key on the web form', () => {
  let t: TestApp;
  let publicKey: string;
  let privateKey: string;
  before(async () => {
    t = await startTestApp();
    ({ publicKey, privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'finder@example.org' }], format: 'armored' }));
  });
  after(async () => {
    await t.close();
  });

  it('stores a valid key with the report, so mail to the reporter is encrypted', async () => {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/report')).body);
    const res = await c.postMultipart('/report', { ...report, _csrf: csrf, publicKey });
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    const keys = await t.ctx.db.selectFrom('reporter_keys').selectAll().execute();
    assert.equal(keys.length, 1);
  });

  it('refuses a pasted private key with a sentence the reporter can act on, keeping what was typed', async () => {
    const c = new Client(t.app);
    const csrf = Client.csrf((await c.get('/report')).body);
    const res = await c.postMultipart('/report', { ...report, _csrf: csrf, publicKey: privateKey });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /This is a private \(secret\) key\. Never share it/);
    assert.match(res.body, /The next parameter accepts any absolute URL\./);
    const garbage = await c.postMultipart('/report', { ...report, _csrf: csrf, publicKey: 'not a key' });
    assert.equal(garbage.statusCode, 422);
    assert.match(garbage.body, /id="publicKey-error"/);
  });
});
