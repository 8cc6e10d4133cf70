import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import { markDuplicate } from '../../src/triage/mark-duplicate.ts';
import { makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken, submission } from './api-helpers.ts';

describe('quarantine and duplicates through the API and the inbox', () => {
  let t: TestApp;
  let api: ReturnType<typeof apiClient>;
  before(async () => {
    t = await startTestApp();
    api = apiClient(t, (await makeApiToken(t.ctx.db)).token);
  });
  after(async () => {
    await t.close();
  });

  it('shows quarantine status and reasons, filters by it, and flags and links duplicates', async () => {
    const spam = await api.post('/api/v1/reports', submission({ title: 'Critical bug', description: 'Your site is vulnerable to hackers.', stepsToReproduce: 'see description', impact: 'Hackers can hack it.' }));
    assert.equal(spam.status, 201, spam.body);
    const original = await api.post('/api/v1/reports', submission());
    const again = await api.post('/api/v1/reports', submission({ reporterName: 'Someone Else', reporterEmail: 'else@example.org' }));
    assert.equal(again.status, 201);

    const spamView = await api.get(`/api/v1/reports/${spam.json.reference}`);
    assert.equal(spamView.json.quarantine.quarantined, true);
    assert.deepEqual(spamView.json.quarantine.reasons.map((r: { code: string }) => r.code), ['low-effort', 'no-steps']);
    assert.equal(spamView.json.quarantine.reasons[1].description, 'No real steps to reproduce.');
    assert.deepEqual((await api.get(`/api/v1/reports/${original.json.reference}`)).json.quarantine, { quarantined: false, reasons: [] });

    const refs = async (query: string) => (await api.get(`/api/v1/reports${query}`)).json.data.map((r: { reference: string }) => r.reference).sort();
    assert.deepEqual(await refs(''), [spam.json.reference, original.json.reference, again.json.reference].sort(), 'the API lists quarantined reports by default');
    assert.deepEqual(await refs('?quarantine=exclude'), [original.json.reference, again.json.reference].sort());
    assert.deepEqual(await refs('?quarantine=only'), [spam.json.reference]);
    assert.equal((await api.get('/api/v1/reports?quarantine=maybe')).status, 422);

    const list = async () => (await api.get('/api/v1/reports')).json.data as { reference: string; quarantined: boolean; possibleDuplicate: boolean }[];
    const before = await list();
    assert.equal(before.find((r) => r.reference === again.json.reference)!.possibleDuplicate, false, 'the duplicate search runs after the commit, in the job that follows the submission');
    // The worker runs the jobs the submissions queued (the team notice, which searches for duplicates first).
    await createWorker({ db: t.ctx.db, handlers: createJobHandlers(t.ctx), logger: t.ctx.logger }).drain();
    const listed = await list();
    const row = (ref: string) => listed.find((r) => r.reference === ref)!;
    assert.equal(row(spam.json.reference).quarantined, true);
    assert.equal(row(again.json.reference).possibleDuplicate, true, 'the second identical report was matched once its follow-up job ran');
    assert.equal(row(original.json.reference).possibleDuplicate, false);

    // The staff inbox shows the same badge, and leaves the quarantined report to its tab.
    const staff = await makeStaff(t.ctx.db, 'triager');
    const c = await Client.signedIn(t.app, staff);
    const inbox = (await c.get('/staff/reports')).body;
    const againRow = inbox.slice(inbox.indexOf(again.json.reference), inbox.indexOf('</tr>', inbox.indexOf(again.json.reference)));
    assert.match(againRow, /class="badge badge-duplicate"[^>]*>possible duplicate</);
    const originalRow = inbox.slice(inbox.indexOf(original.json.reference), inbox.indexOf('</tr>', inbox.indexOf(original.json.reference)));
    assert.doesNotMatch(originalRow, /badge-duplicate/);
    assert.equal(inbox.indexOf(spam.json.reference), -1);

    await markDuplicate(t.ctx.db, t.ctx.vault, { reportId: again.json.id, originalReference: original.json.reference, actorId: staff.id });
    const dup = await api.get(`/api/v1/reports/${again.json.reference}`);
    assert.equal(dup.json.state, 'duplicate');
    assert.equal(dup.json.duplicateOf, original.json.reference);
  });
});
