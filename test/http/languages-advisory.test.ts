import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { draftAdvisoryFromReport, loadStaffAdvisory, publishAdvisory } from '../../src/advisories/advisory-store.ts';
import { LANGUAGE_COOKIE } from '../../src/web/request-language.ts';
import { makeReport, makeStaff, moveReport } from '../helpers/factories.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';

// Runs the app on the default database: PostgreSQL (test/helpers/http-app.ts).
describe('a single public advisory page in the reader’s language (its chrome; the text stays the team’s)', () => {
  let t: TestApp;
  let url = '';
  before(async () => {
    t = await startTestApp();
    const lead = await makeStaff(t.ctx.db, 'lead');
    const report = await makeReport(t.ctx.db, { title: 'Open redirect', reporterName: 'Ada Lovelace', creditPreference: 'name' });
    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: report.id, to, actorId: lead.id });
    const { id } = await draftAdvisoryFromReport(t.ctx.db, t.ctx.vault, { reportReference: report.reference, actorId: lead.id });
    const draft = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!;
    const content = {
      ...draft.content,
      summary: 'Update to 4.2.2.',
      details: 'The team’s own words.',
      mitigation: 'Block the parameter.',
      products: [{ ...draft.content.products[0]!, introduced: '4.0.0', fixed: '4.2.2' }],
      credits: [{ name: 'Ada Lovelace', role: 'finder' as const }],
      references: [{ url: 'https://example.com/notes', summary: 'Release notes' }],
    };
    const { publicId } = await publishAdvisory(t.ctx.db, t.ctx.vault, { id, actorId: lead.id, content, revisionSummary: '', baseUrl: t.ctx.config.baseUrl, now: new Date('2026-11-24T09:00:00Z') });
    url = `/advisories/${publicId}`;
  });
  after(async () => {
    await t?.close();
  });

  const page = async (headers: Record<string, string>) => {
    const res = await t.app.inject({ method: 'GET', url, headers });
    assert.equal(res.statusCode, 200);
    return res.body;
  };

  it('English stays as it was', async () => {
    const body = await page({});
    for (const s of ['<h2>Summary</h2>', '<h2>Affected products</h2>', '<th scope="col">Affected versions</th>', '<h2>Revision history</h2>', '<h2>Credits</h2>',
      '<h2>Details</h2>', '<h2>Workarounds and mitigations</h2>', '<h2>References</h2>', '<h2>Severity and weakness</h2>', 'Found the vulnerability', '4.0.0 up to, not including, 4.2.2',
      '· published 2026-11-24', 'Initial release', 'Machine-readable:', 'Canonical address:', '>Security advisories</a>']) assert.ok(body.includes(s), s);
  });

  it('Swedish by the visitor’s choice', async () => {
    const body = await page({ cookie: `${LANGUAGE_COOKIE}=sv`, 'accept-language': 'it' });
    assert.match(body, /<html lang="sv"/);
    for (const s of ['<h2>Sammanfattning</h2>', '<h2>Berörda produkter</h2>', '<th scope="col">Berörda versioner</th>', '<h2>Versionshistorik</h2>', '<h2>Tack till</h2>',
      '<h2>Detaljer</h2>', '<h2>Tillfälliga lösningar och skyddsåtgärder</h2>', '<h2>Referenser</h2>', 'Hittade sårbarheten', 'från 4.0.0 till, men inte med, 4.2.2',
      'publicerad 24 november 2026', 'Maskinläsbar:', 'Kanonisk adress:', '>Säkerhetsmeddelanden</a>']) assert.ok(body.includes(s), s);
    assert.ok(body.includes('The team’s own words.'), 'the advisory’s own text stays as written');
    assert.ok(!body.includes('Affected products'));
  });

  it('Italian by Accept-Language', async () => {
    const body = await page({ 'accept-language': 'it-IT,it;q=0.9' });
    assert.match(body, /<html lang="it"/);
    for (const s of ['<h2>Riepilogo</h2>', '<h2>Prodotti interessati</h2>', '<th scope="col">Versioni interessate</th>', '<h2>Cronologia delle revisioni</h2>', '<h2>Ringraziamenti</h2>',
      '<h2>Dettagli</h2>', '<h2>Soluzioni temporanee e mitigazioni</h2>', '<h2>Riferimenti</h2>', 'Ha individuato la vulnerabilità', 'dalla 4.0.0 fino alla 4.2.2 esclusa',
      'pubblicato il 24 novembre 2026', 'Leggibile da macchina:', 'Indirizzo canonico:', '>Bollettini di sicurezza</a>']) assert.ok(body.includes(s), s);
    assert.ok(!body.includes('Revision history'));
  });
});
