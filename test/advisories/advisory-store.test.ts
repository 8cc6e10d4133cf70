import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAdvisoryForm, type AdvisoryContent } from '../../src/advisories/advisory-content.ts';
import {
  discardDraft,
  draftAdvisoryFromReport,
  findPublishedAdvisory,
  listPublishedAdvisories,
  loadStaffAdvisory,
  publishAdvisory,
  saveDraft,
} from '../../src/advisories/advisory-store.ts';
import { changeCredit } from '../../src/reports/change-credit.ts';
import { changeState } from '../../src/reports/report-actions.ts';
import { setCwe } from '../../src/triage/set-cwe.ts';
import { setTeamSeverity } from '../../src/triage/set-team-severity.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { dumpDatabase, leakedMarkers } from '../helpers/db-dump.ts';
import { demo, makeReport, makeStaff, moveReport, testVault } from '../helpers/factories.ts';

const BASE = 'https://security.example.com';

/** Moves a report along the happy path to `fixed`. */
async function fixReport(db: Parameters<typeof changeState>[0], reportId: string, actorId: string) {
  for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) await moveReport(db, testVault, { reportId, to, actorId });
}

for (const kind of await databaseKinds()) {
  describe(`advisories on the database (${kind})`, () => {
    it('drafts from a report with its decisions and the credits reporters chose, sealed until published', async () => {
      const t = await freshDatabase(kind);
      try {
        const program = await demo(t.db);
        const lead = await makeStaff(t.db, 'lead');
        const report = await makeReport(t.db, { title: 'Marker-Title-q7Z SQL injection in export', reporterName: 'Ada Lovelace', creditPreference: 'name' });
        // A duplicate credited with the original is credited on the advisory too; an anonymous one is not named.
        const dup = await makeReport(t.db, { reporterHandle: 'h4x', reporterName: undefined, creditPreference: 'handle' });
        const anon = await makeReport(t.db, { reporterName: 'Hidden Person', creditPreference: 'anonymous' });
        await t.db.updateTable('reports').set({ duplicate_of: report.id, credit_with_original: true }).where('id', 'in', [dup.id, anon.id]).execute();
        await setTeamSeverity(t.db, { reportId: report.id, actorId: lead.id, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' });
        await setCwe(t.db, { reportId: report.id, actorId: lead.id, cwe: 'CWE-89' });

        const { id, created } = await draftAdvisoryFromReport(t.db, testVault, { reportReference: report.reference, actorId: lead.id, now: new Date('2026-11-23T10:00:00Z') });
        assert.equal(created, true);
        assert.deepEqual(await draftAdvisoryFromReport(t.db, testVault, { reportReference: report.reference, actorId: lead.id }), { id, created: false }, 'one advisory per report');
        const draft = await loadStaffAdvisory(t.db, testVault, id);
        assert.ok(draft);
        assert.equal(draft.publicId, null, 'a draft takes no public number: a gap in the sequence would reveal it');
        assert.equal(draft.state, 'draft');
        assert.equal(draft.content.title, 'Marker-Title-q7Z SQL injection in export');
        assert.equal(draft.content.cvssVector, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
        assert.equal(draft.content.cweId, 89);
        assert.deepEqual(draft.content.products.map((p) => p.productId), ['example-cloud']);
        assert.deepEqual(draft.content.credits, [{ name: 'Ada Lovelace', role: 'finder' }, { name: 'h4x', role: 'finder' }]);

        await saveDraft(t.db, testVault, { id, content: { ...draft.content, summary: 'Marker-Summary-k2P embargoed details.' } });
        const dump = await dumpDatabase(t.db);
        assert.deepEqual(leakedMarkers(dump, { title: 'Marker-Title-q7Z', summary: 'Marker-Summary-k2P' }), [], 'a draft is sealed at rest');
        assert.equal(await findPublishedAdvisory(t.db, BASE, `${program.config.referencePrefix}-SA-2026-0001`, { programId: program.id }), undefined, 'a draft is not public');
        assert.deepEqual(await listPublishedAdvisories(t.db, BASE, { programId: program.id }), []);
      } finally {
        await t.close();
      }
    });

    it('a report carries a CVSS 3.1 and a 4.0 vector; the first rates it, and its advisory draft takes both', async () => {
      const t = await freshDatabase(kind);
      try {
        await demo(t.db);
        const lead = await makeStaff(t.db, 'lead');
        const report = await makeReport(t.db, { title: 'Two scores' });
        const v40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
        const v31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N';
        const stored = () => t.db.selectFrom('reports').select(['team_cvss_vector', 'team_cvss_second_vector', 'team_cvss_score', 'severity']).where('id', '=', report.id).executeTakeFirstOrThrow();
        await setTeamSeverity(t.db, { reportId: report.id, actorId: lead.id, vector: v40, secondVector: v31 });
        assert.deepEqual(await stored(), { team_cvss_vector: v40, team_cvss_second_vector: v31, team_cvss_score: '9.3', severity: 'critical' }, 'the 4.0 vector rates the report');
        // Callers that do not know of the second vector (the API's `vector`) leave it as it is.
        await setTeamSeverity(t.db, { reportId: report.id, actorId: lead.id, vector: v40 });
        assert.equal((await stored()).team_cvss_second_vector, v31);
        // Two vectors of one version, or a second without a first, are field errors; nothing changes.
        await assert.rejects(setTeamSeverity(t.db, { reportId: report.id, actorId: lead.id, vector: v40, secondVector: v40 }), (e: Error & { fields?: Record<string, string> }) => /other version/.test(JSON.stringify(e.fields ?? e.message)));
        await assert.rejects(setTeamSeverity(t.db, { reportId: report.id, actorId: lead.id, vector: '', secondVector: v31 }), (e: Error & { fields?: Record<string, string> }) => /first/.test(JSON.stringify(e.fields ?? e.message)));
        await assert.rejects(setTeamSeverity(t.db, { reportId: report.id, actorId: lead.id, vector: v40, secondVector: 'CVSS:3.1/AV:N' }));
        assert.equal((await stored()).team_cvss_second_vector, v31);

        const { id } = await draftAdvisoryFromReport(t.db, testVault, { reportReference: report.reference, actorId: lead.id });
        const draft = await loadStaffAdvisory(t.db, testVault, id);
        assert.equal(draft?.content.cvssVector, v31);
        assert.equal(draft?.content.cvssV4Vector, v40);

        // Swapping which one rates the report keeps both; clearing the first clears both.
        await setTeamSeverity(t.db, { reportId: report.id, actorId: lead.id, vector: v31, secondVector: v40 });
        assert.deepEqual(await stored(), { team_cvss_vector: v31, team_cvss_second_vector: v40, team_cvss_score: '8.2', severity: 'high' });
        await setTeamSeverity(t.db, { reportId: report.id, actorId: lead.id, vector: '' });
        assert.deepEqual(await stored(), { team_cvss_vector: null, team_cvss_second_vector: null, team_cvss_score: null, severity: null });
        // The database refuses a second vector alone, whatever writes it.
        await assert.rejects(t.db.updateTable('reports').set({ team_cvss_second_vector: v31 }).where('id', '=', report.id).execute());
      } finally {
        await t.close();
      }
    });

    it('publishes revision 1, discloses a fixed report with the public link, and takes revisions with a summary', async () => {
      const t = await freshDatabase(kind);
      try {
        const lead = await makeStaff(t.db, 'lead');
        const report = await makeReport(t.db);
        const program = await demo(t.db);
        await fixReport(t.db, report.id, lead.id);
        const { id } = await draftAdvisoryFromReport(t.db, testVault, { reportReference: report.reference, actorId: lead.id });
        const draft = (await loadStaffAdvisory(t.db, testVault, id))!;
        const content: AdvisoryContent = { ...draft.content, summary: 'Update to 4.2.2.', products: [{ ...draft.content.products[0]!, fixed: '4.2.2' }] };

        // A discarded draft leaves no gap: numbers are taken at publication.
        const other = await makeReport(t.db);
        await discardDraft(t.db, (await draftAdvisoryFromReport(t.db, testVault, { reportReference: other.reference, actorId: lead.id })).id);
        const first = await publishAdvisory(t.db, testVault, { id, actorId: lead.id, content, revisionSummary: '', baseUrl: BASE, now: new Date('2026-11-24T09:00:00Z') });
        const publicId = `${(await demo(t.db)).config.referencePrefix}-SA-2026-0001`;
        assert.deepEqual(first, { publicId, revision: 1 });
        assert.equal((await loadStaffAdvisory(t.db, testVault, id))?.publicId, publicId);
        const pub = await findPublishedAdvisory(t.db, BASE, publicId, { programId: program.id });
        assert.ok(pub);
        assert.deepEqual(pub.revisions, [{ number: 1, date: '2026-11-24T09:00:00.000Z', summary: 'Initial release' }]);
        assert.equal(pub.publisher.baseUrl, BASE);
        assert.equal(pub.products[0]!.fixed, '4.2.2');
        const row = await t.db.selectFrom('advisories').select(['draft_sealed', 'state']).where('id', '=', id).executeTakeFirstOrThrow();
        assert.deepEqual(row, { draft_sealed: null, state: 'published' });

        const after = await t.db.selectFrom('reports').select('state').where('id', '=', report.id).executeTakeFirstOrThrow();
        assert.equal(after.state, 'disclosed', 'a fixed report is disclosed by its advisory');
        const events = await t.db.selectFrom('report_events').select(['type', 'data', 'reporter_visible']).where('report_id', '=', report.id).orderBy('created_at').orderBy('id').execute();
        const disclosed = events.find((e) => e.type === 'state-changed' && e.data.to === 'disclosed');
        assert.equal(disclosed?.reporter_visible, true);
        assert.equal(disclosed?.data.advisoryUrl, `${BASE}/advisories/${publicId}`);
        assert.equal(events.filter((e) => e.type === 'advisory-published' && e.reporter_visible).length, 0, 'one notice to the reporter, not two');

        await assert.rejects(saveDraft(t.db, testVault, { id, content }), /publishing a revision/);
        await assert.rejects(discardDraft(t.db, id), /Only a draft/);
        await assert.rejects(
          publishAdvisory(t.db, testVault, { id, actorId: lead.id, content, revisionSummary: '  ', baseUrl: BASE }),
          (err: Error & { fields?: Record<string, string> }) => Boolean(err.fields?.revisionSummary),
        );
        const second = await publishAdvisory(t.db, testVault, { id, actorId: lead.id, content: { ...content, cveId: 'CVE-2026-4242' }, revisionSummary: 'CVE assigned', baseUrl: BASE, now: new Date('2026-11-25T09:00:00Z') });
        assert.equal(second.revision, 2);
        const revised = (await findPublishedAdvisory(t.db, BASE, publicId, { programId: program.id }))!;
        assert.equal(revised.cveId, 'CVE-2026-4242');
        assert.equal(revised.initialReleaseDate, '2026-11-24T09:00:00.000Z');
        assert.equal(revised.currentReleaseDate, '2026-11-25T09:00:00.000Z');
        assert.deepEqual((await listPublishedAdvisories(t.db, BASE, { programId: program.id })).map((a) => a.id), [publicId]);
      } finally {
        await t.close();
      }
    });

    it('tells the reporter of a report not yet fixed with an advisory-published event, and discards drafts', async () => {
      const t = await freshDatabase(kind);
      try {
        const lead = await makeStaff(t.db, 'lead');
        const program = await demo(t.db);
        const report = await makeReport(t.db);
        await moveReport(t.db, testVault, { reportId: report.id, to: 'acknowledged', actorId: lead.id });
        const { id } = await draftAdvisoryFromReport(t.db, testVault, { reportReference: report.reference, actorId: lead.id });
        const parsed = parseAdvisoryForm({ title: 'Mitigation notice', summary: 'Disable the export until a fix ships.', 'product.0.id': 'example-cloud' }, program.config.products, { publishing: true });
        assert.ok(parsed.ok);
        await publishAdvisory(t.db, testVault, { id, actorId: lead.id, content: parsed.content, revisionSummary: '', baseUrl: BASE });
        const state = await t.db.selectFrom('reports').select('state').where('id', '=', report.id).executeTakeFirstOrThrow();
        assert.equal(state.state, 'acknowledged');
        const event = await t.db.selectFrom('report_events').select(['reporter_visible', 'data']).where('report_id', '=', report.id).where('type', '=', 'advisory-published').executeTakeFirstOrThrow();
        assert.equal(event.reporter_visible, true);
        const jobs = await t.db.selectFrom('jobs').select('kind').where('kind', '=', 'notify-reporter').execute();
        assert.ok(jobs.length >= 1);

        // The reporter may withdraw a credit after the draft was written: publishing then refuses the name.
        const credited = await makeReport(t.db, { reporterName: 'Grace Hopper', creditPreference: 'name' });
        const drafted = await draftAdvisoryFromReport(t.db, testVault, { reportReference: credited.reference, actorId: lead.id });
        const withName = (await loadStaffAdvisory(t.db, testVault, drafted.id))!.content;
        assert.deepEqual(withName.credits, [{ name: 'Grace Hopper', role: 'finder' }]);
        await changeCredit(t.db, testVault, { reportId: credited.id, preference: 'anonymous' });
        const ready = { ...withName, summary: 'Fixed.' };
        await assert.rejects(
          publishAdvisory(t.db, testVault, { id: drafted.id, actorId: lead.id, content: ready, revisionSummary: '', baseUrl: BASE }),
          (err: Error & { fields?: Record<string, string> }) => /Grace Hopper: the reporter has not chosen/.test(err.fields?.['credit.0.name'] ?? ''),
        );
        await publishAdvisory(t.db, testVault, { id: drafted.id, actorId: lead.id, content: { ...ready, credits: [] }, revisionSummary: '', baseUrl: BASE });

        const other = await makeReport(t.db);
        const second = await draftAdvisoryFromReport(t.db, testVault, { reportReference: other.reference, actorId: lead.id });
        await discardDraft(t.db, second.id);
        assert.equal(await loadStaffAdvisory(t.db, testVault, second.id), undefined);
      } finally {
        await t.close();
      }
    });
  });
}
