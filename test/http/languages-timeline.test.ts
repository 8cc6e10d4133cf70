import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { draftAdvisoryFromReport, loadStaffAdvisory, publishAdvisory } from '../../src/advisories/advisory-store.ts';
import { agreeDisclosureDate } from '../../src/disclosure/agree-disclosure-date.ts';
import { proposeDisclosureDate } from '../../src/disclosure/propose-disclosure-date.ts';
import { setReporterNaming } from '../../src/coordination/reporter-naming.ts';
import { changeExpectedResolutionDate } from '../../src/triage/change-expected-resolution-date.ts';
import { LANGUAGE_COOKIE } from '../../src/web/request-language.ts';
import { makeReport, makeStaff, moveReport } from '../helpers/factories.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';

// Runs the app on the default database: PostgreSQL (test/helpers/http-app.ts).
describe('the reporter’s timeline beyond submission, status and credit, in their language', () => {
  let t: TestApp;
  let url = '';
  let publicId = '';
  before(async () => {
    t = await startTestApp();
    const lead = await makeStaff(t.ctx.db, 'lead');
    const report = await makeReport(t.ctx.db, { title: 'Open redirect' });
    url = `/track/${report.trackingToken}`;
    for (const to of ['acknowledged', 'triaged', 'fixing'] as const) await moveReport(t.ctx.db, t.ctx.vault, { reportId: report.id, to, actorId: lead.id });
    await t.ctx.db.updateTable('reports').set({ expected_resolution_date: '2030-01-10' }).where('id', '=', report.id).execute();
    await changeExpectedResolutionDate(t.ctx.db, t.ctx.vault, { reportId: report.id, actorId: lead.id, date: '2030-02-14', reason: 'More platforms to fix.' });
    await proposeDisclosureDate(t.ctx.db, t.ctx.vault, { reportId: report.id, actor: { kind: 'staff', id: lead.id }, moment: { date: '2030-03-11', time: '09:00', timeZone: 'Europe/Amsterdam' }, message: '' });
    await agreeDisclosureDate(t.ctx.db, t.ctx.vault, { reportId: report.id, actor: { kind: 'reporter' } });
    await setReporterNaming(t.ctx.db, { reportId: report.id, named: true });
    const { id } = await draftAdvisoryFromReport(t.ctx.db, t.ctx.vault, { reportReference: report.reference, actorId: lead.id });
    const draft = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!;
    ({ publicId } = await publishAdvisory(t.ctx.db, t.ctx.vault, { id, actorId: lead.id, content: { ...draft.content, summary: 'Update.' }, revisionSummary: '', baseUrl: t.ctx.config.baseUrl }));
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
    for (const s of [
      'The security team changed the expected resolution date from 10 January 2030 to 14 February 2030.',
      'The security team proposed to disclose publicly on Monday 11 March 2030, 09:00 (Europe/Amsterdam).',
      'You agreed to disclose publicly on Monday 11 March 2030, 09:00 (Europe/Amsterdam). The disclosure date is agreed.',
      'You agreed to be named to the other parties.',
    ]) assert.ok(body.includes(s), s);
    assert.match(body, new RegExp(`The security team published advisory ${publicId}\\.`));
  });

  it('Swedish by the visitor’s choice', async () => {
    const body = await page({ cookie: `${LANGUAGE_COOKIE}=sv` });
    for (const s of [
      'Säkerhetsteamet ändrade det beräknade datumet för åtgärd från 10 januari 2030 till 14 februari 2030.',
      'Säkerhetsteamet föreslog offentliggörande mån 11 mars 2030 09:00 (tid i Europe/Amsterdam).',
      'Du godkände offentliggörande mån 11 mars 2030 09:00 (tid i Europe/Amsterdam). Datumet för offentliggörande är överenskommet.',
      'Du gick med på att nämnas vid namn för de andra parterna.',
      `Säkerhetsteamet publicerade säkerhetsmeddelandet ${publicId}.`,
    ]) assert.ok(body.includes(s), s);
    assert.ok(!body.includes('proposed to disclose'));
  });

  it('Italian by Accept-Language', async () => {
    const body = await page({ 'accept-language': 'it' });
    for (const s of [
      'Il team di sicurezza ha cambiato la data prevista di risoluzione dal 10 gennaio 2030 al 14 febbraio 2030.',
      'Il team di sicurezza ha proposto di rendere pubblica la vulnerabilità il giorno lun 11 mar 2030 09:00 (ora di Europe/Amsterdam).',
      'Hai accettato di rendere pubblica la vulnerabilità il giorno lun 11 mar 2030 09:00 (ora di Europe/Amsterdam). La data di divulgazione è concordata.',
      'Hai accettato di essere nominato alle altre parti coinvolte.',
      `Il team di sicurezza ha pubblicato il bollettino ${publicId}.`,
    ]) assert.ok(body.includes(s), s);
  });
});
