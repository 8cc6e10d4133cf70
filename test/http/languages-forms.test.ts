import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as openpgp from 'openpgp';
import { makeReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

// Runs the app on the default database: PostgreSQL (test/helpers/http-app.ts).
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

/** A visitor who chose a language with the page's link. */
async function visitorIn(app: TestApp['app'], language: string): Promise<Client> {
  const c = new Client(app);
  assert.equal((await c.get(`/?lang=${language}`)).statusCode, 303);
  return c;
}

describe('validation messages of the rarer public forms in the reader’s language', () => {
  let t: TestApp;
  let privateKey: string;
  before(async () => {
    t = await startTestApp();
    ({ privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'finder@example.org' }], format: 'armored' }));
  });
  after(async () => {
    await t?.close();
  });

  const recover = async (c: Client) => {
    const csrf = Client.csrf((await c.get('/track/recover')).body);
    const res = await c.postForm('/track/recover', { _csrf: csrf, reference: '', email: 'nope' });
    assert.equal(res.statusCode, 422);
    return res.body;
  };

  it('the lost-link form: English as before, Swedish and Italian', async () => {
    const en = await recover(new Client(t.app));
    assert.match(en, /Enter the reference of your report, for example from our receipt mail\./);
    assert.match(en, /Enter the e-mail address you gave with the report, like name@example\.org\./);
    const sv = await recover(await visitorIn(t.app, 'sv'));
    assert.match(sv, /Ange referensen för din rapport, till exempel från vårt kvittomejl\./);
    assert.match(sv, /Ange e-postadressen du uppgav med rapporten, till exempel namn@example\.org\./);
    const it_ = await recover(await visitorIn(t.app, 'it'));
    assert.match(it_, /Inserisci il riferimento della tua segnalazione, per esempio dalla nostra e-mail di ricevuta\./);
    assert.match(it_, /Inserisci l’indirizzo e-mail indicato nella segnalazione, per esempio nome@example\.org\./);
  });

  it('the reporter’s key on the report form: Swedish and Italian', async () => {
    const sv = await visitorIn(t.app, 'sv');
    const csrf = Client.csrf((await sv.get('/report')).body);
    const refused = await sv.postMultipart('/report', { ...report, _csrf: csrf, publicKey: privateKey });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /Det här är en privat \(hemlig\) nyckel\. Dela den aldrig/);
    const garbage = await sv.postMultipart('/report', { ...report, _csrf: csrf, publicKey: 'not a key' });
    assert.equal(garbage.statusCode, 422);
    assert.match(garbage.body, /Det här är inte en publik OpenPGP-nyckel i ASCII-format/);

    const it_ = await visitorIn(t.app, 'it');
    const res = await it_.postMultipart('/report', { ...report, _csrf: Client.csrf((await it_.get('/report')).body), publicKey: 'not a key' });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /Questa non è una chiave pubblica OpenPGP in formato ASCII armor/);
  });

  it('the reporter’s disclosure-date form on the tracking page: Swedish and Italian, English as before', async () => {
    const { trackingToken } = await makeReport(t.ctx.db);
    const propose = async (c: Client, fields: Record<string, string>) => {
      const csrf = Client.csrf((await c.get(`/track/${trackingToken}`)).body);
      return c.postForm(`/track/${trackingToken}/disclosure-date`, { _csrf: csrf, disclosureTime: '09:00', disclosureTimeZone: 'Europe/Amsterdam', disclosureMessage: '', ...fields });
    };
    const en = await propose(new Client(t.app), { disclosureDate: '11/03/2031' });
    assert.equal(en.statusCode, 422);
    assert.match(en.body, /Give the date as YYYY-MM-DD, e\.g\. 2027-03-11\./);
    const sv = await propose(await visitorIn(t.app, 'sv'), { disclosureDate: '11/03/2031' });
    assert.equal(sv.statusCode, 422);
    assert.match(sv.body, /Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-03-11\./);
    const it_ = await visitorIn(t.app, 'it');
    const noReason = await propose(it_, { disclosureDate: '2031-03-11' });
    assert.equal(noReason.statusCode, 422);
    assert.match(noReason.body, /Spiega perché proponi un’altra data; il team di sicurezza lo leggerà\./);
    const past = await propose(it_, { disclosureDate: '2020-03-11', disclosureMessage: 'Our release.' });
    assert.match(past.body, /La data di divulgazione deve essere nel futuro\./);
  });

  it('file sizes in the reader’s number format (the report form’s attachment hint)', async () => {
    assert.match((await new Client(t.app).get('/report')).body, /of at most 4\.0 KB each/);
    assert.match((await (await visitorIn(t.app, 'sv')).get('/report')).body, /högst 4,0 KB vardera/);
    assert.match((await (await visitorIn(t.app, 'it')).get('/report')).body, /al massimo 4,0 KB ciascuno/);
  });
});
