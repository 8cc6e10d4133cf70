import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findReportByTrackingToken, loadTimeline } from '../../src/reports/read-report.ts';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';
import { apiClient, makeApiToken, submission } from './api-helpers.ts';

// startTestApp limits attachments to 2 files of 4096 bytes.
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('API reports', () => {
  let t: TestApp;
  let api: ReturnType<typeof apiClient>;
  before(async () => {
    t = await startTestApp();
    api = apiClient(t, (await makeApiToken(t.ctx.db)).token);
  });
  after(async () => {
    await t.close();
  });

  it('submits a report with attachments: 201, Location, a working tracking URL, channel api', async () => {
    const res = await api.post('/api/v1/reports', submission({ attachments: [{ filename: 'poc.sh', contentType: 'text/x-sh', content: b64('curl http://169.254.169.254/') }] }));
    assert.equal(res.status, 201, res.body);
    assert.match(res.json.reference, /^EMB-\d{4}-\d{4}$/);
    assert.equal(res.json.state, 'new');
    assert.equal(res.headers.location, `${t.ctx.config.baseUrl}/api/v1/reports/${res.json.reference}`);
    assert.equal(res.headers['cache-control'], 'no-store');
    const trackingToken = new URL(res.json.trackingUrl).pathname.split('/').pop()!;
    const stored = await findReportByTrackingToken(t.ctx.db, t.ctx.vault, trackingToken);
    assert.equal(stored?.reference, res.json.reference);
    assert.equal(stored?.channel, 'api');
    assert.equal((await t.app.inject({ url: new URL(res.json.trackingUrl).pathname })).statusCode, 200);

    const read = await api.get(res.headers.location!.toString().replace(t.ctx.config.baseUrl, ''));
    assert.equal(read.status, 200);
    assert.equal(read.json.channel, 'api');
    assert.equal(read.json.attachments.length, 1);
    assert.equal((await t.app.inject({ url: read.json.attachments[0].url })).statusCode, 401, 'the download needs the token too');
  });

  it('downloads an attachment as an octet-stream', async () => {
    const content = Buffer.from([0, 1, 2, 250, 255]);
    const created = await api.post('/api/v1/reports', submission({ attachments: [{ filename: 'dump.bin', content: b64(content) }] }));
    const report = await api.get(`/api/v1/reports/${created.json.reference}`);
    const res = await t.app.inject({ url: report.json.attachments[0].url, headers: { authorization: `Bearer ${(await makeApiToken(t.ctx.db, ['reports:read'])).token}` } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/octet-stream');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="dump.bin"/);
    assert.deepEqual(res.rawPayload, content);
    const missing = await api.get(`/api/v1/reports/${created.json.reference}/attachments/00000000-0000-4000-8000-000000000000`);
    assert.equal(missing.status, 404);
    assert.equal((await api.get(`/api/v1/reports/${created.json.reference}/attachments/nope`)).status, 404);
  });

  it('answers validation_failed with the web form’s messages per field', async () => {
    const res = await api.post('/api/v1/reports', submission({ title: 'x', product: 'toaster', acceptPolicy: 'no', cvssVector: 'CVSS:3.1/AV:X' }));
    assert.equal(res.status, 422);
    assert.equal(res.json.error.code, 'validation_failed');
    const fields = res.json.error.fields;
    assert.match(fields.title, /too short/);
    assert.equal(fields.product, 'Choose the affected product.');
    assert.match(fields.acceptPolicy, /accept the disclosure policy/);
    assert.ok(fields.cvssVector);
    // cross-field rules run once the fields themselves are valid, as on the form
    const credit = await api.post('/api/v1/reports', submission({ creditPreference: 'handle' }));
    assert.match(credit.json.error.fields.reporterHandle, /Give the handle to credit/);
    const badFile = await api.post('/api/v1/reports', submission({ attachments: [{ filename: '', content: 'not base64!' }] }));
    assert.equal(badFile.status, 422);
    assert.ok(badFile.json.error.fields['attachments.0.filename']);
    assert.match(badFile.json.error.fields['attachments.0.content'], /base64/);
    const tooMany = await api.post('/api/v1/reports', submission({ attachments: [1, 2, 3].map((i) => ({ filename: `${i}.txt`, content: b64('x') })) }));
    assert.equal(tooMany.status, 422);
    assert.match(tooMany.json.error.fields.attachments, /At most 2 files/);
  });

  it('takes an omitted policyVersion as the current one and refuses a stale one', async () => {
    const program = await t.ctx.db.selectFrom('policy_versions').select('version').orderBy('version', 'desc').executeTakeFirstOrThrow();
    assert.equal((await api.post('/api/v1/reports', submission({ policyVersion: program.version }))).status, 201);
    const stale = await api.post('/api/v1/reports', submission({ policyVersion: program.version + 1 }));
    assert.equal(stale.status, 422);
    assert.match(stale.json.error.fields.policyVersion, /current version is/);
  });

  it('refuses oversize attachments and bodies with 413, non-JSON with 415, broken JSON with 400', async () => {
    const big = await api.post('/api/v1/reports', submission({ attachments: [{ filename: 'big.bin', content: b64(Buffer.alloc(5000)) }] }));
    assert.equal(big.status, 413, big.body);
    assert.equal(big.json.error.code, 'payload_too_large');
    const huge = await api.post('/api/v1/reports', submission({ description: 'x'.repeat(3 * 1024 * 1024) }));
    assert.equal(huge.status, 413);
    assert.equal(huge.json.error.code, 'payload_too_large');
    const form = await api.post('/api/v1/reports', 'title=x', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    assert.equal(form.json.error.code, 'unsupported_media_type');
    const broken = await api.post('/api/v1/reports', '{"title":');
    assert.equal(broken.status, 400);
    assert.equal(broken.json.error.code, 'invalid_json');
  });

  it('shows the report; reporter contact only to tokens with reports:read', async () => {
    const s = await makeReport(t.ctx.db, { reporterEmail: 'ada@example.org' });
    const full = await api.get(`/api/v1/reports/${s.reference}`);
    assert.equal(full.status, 200);
    assert.deepEqual(full.json.reporter, { name: 'Ada Lovelace', handle: null, email: 'ada@example.org' });
    assert.equal(full.json.credit.preference, 'name');
    assert.equal(full.json.policy.version, 1);
    assert.equal(full.json.assignee, null);
    assert.equal(full.json.links.staffPage, `${t.ctx.config.baseUrl}/staff/reports/${s.reference}`);
    const writer = apiClient(t, (await makeApiToken(t.ctx.db, ['reports:write'])).token);
    const limited = await writer.get(`/api/v1/reports/${s.reference.toLowerCase()}`);
    assert.equal(limited.status, 200);
    assert.equal(limited.json.reporter, undefined);
    assert.equal(limited.json.title, full.json.title);
    assert.equal((await api.get('/api/v1/reports/EMB-1999-0001')).status, 404);
    assert.equal((await api.get('/api/v1/reports/not-a-reference')).status, 404);
  });

  it('works the thread: internal notes and replies, visibility required', async () => {
    const s = await makeReport(t.ctx.db);
    const note = await api.post(`/api/v1/reports/${s.reference}/messages`, { body: 'Internal: reproduced on 4.2.1', visibility: 'internal' });
    assert.equal(note.status, 201, note.body);
    assert.equal(note.json.visibility, 'internal');
    assert.match(note.json.author.name, /^API: /);
    const reply = await api.post(`/api/v1/reports/${s.reference}/messages`, { body: 'Thank you, we reproduced it.', visibility: 'reporter' });
    assert.equal(reply.status, 201);
    const missing = await api.post(`/api/v1/reports/${s.reference}/messages`, { body: 'Who sees this?' });
    assert.equal(missing.status, 422);
    assert.ok(missing.json.error.fields.visibility);
    const empty = await api.post(`/api/v1/reports/${s.reference}/messages`, { body: '  ', visibility: 'internal' });
    assert.equal(empty.status, 422);
    assert.ok(empty.json.error.fields.body);
    const thread = await api.get(`/api/v1/reports/${s.reference}/messages`);
    assert.equal(thread.status, 200);
    assert.deepEqual(thread.json.data.map((m: { id: string; visibility: string }) => [m.id, m.visibility]), [[note.json.id, 'internal'], [reply.json.id, 'reporter']]);
    // the reporter's page shows the reply, never the note
    const events = await t.ctx.db.selectFrom('report_events').select(['type', 'actor_kind', 'reporter_visible']).where('report_id', '=', s.id).orderBy('id').execute();
    assert.deepEqual(events.map((e) => [e.type, e.reporter_visible]), [['submitted', true], ['note-added', false], ['staff-replied', true]]);
    const track = await t.app.inject({ url: `/track/${s.trackingToken}` });
    assert.match(track.body, /we reproduced it/);
    assert.doesNotMatch(track.body, /Internal: reproduced/);
  });

  it('moves a report through the lifecycle; illegal moves are 409 invalid_transition', async () => {
    const s = await makeReport(t.ctx.db);
    const ok = await api.post(`/api/v1/reports/${s.reference}/state`, { to: 'needs-info', reason: 'Reproduced.' });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.json.state, 'needs-info');
    const bad = await api.post(`/api/v1/reports/${s.reference}/state`, { to: 'disclosed' });
    assert.equal(bad.status, 409);
    assert.equal(bad.json.error.code, 'invalid_transition');
    assert.match(bad.json.error.message, /cannot become disclosed/);
    const junk = await api.post(`/api/v1/reports/${s.reference}/state`, { to: 'teleported' });
    assert.equal(junk.status, 422);
    assert.ok(junk.json.error.fields.to);
    const event = await t.ctx.db
      .selectFrom('report_events as e')
      .innerJoin('staff_users as u', 'u.id', 'e.actor_id')
      .select(['u.display_name', 'e.data'])
      .where('e.report_id', '=', s.id)
      .where('e.type', '=', 'state-changed')
      .executeTakeFirstOrThrow();
    assert.match(event.display_name, /^API: /, 'recorded under the token, not a person');
    assert.deepEqual(event.data, { from: 'new', to: 'needs-info' }, 'the reason is sealed, not in the clear data');
    const opened = (await loadTimeline(t.ctx.db, t.ctx.vault, s.id, 'staff', [])).find((e) => e.kind === 'event' && e.type === 'state-changed');
    assert.deepEqual(opened?.kind === 'event' && opened.data, { from: 'new', to: 'needs-info', reason: 'Reproduced.' });
  });

  it('sets and clears the team’s CVSS vector, and shows severity and SLA clocks', async () => {
    const s = await makeReport(t.ctx.db);
    const fresh = await api.get(`/api/v1/reports/${s.reference}`);
    assert.equal(fresh.json.severity, null);
    const firstResponse = fresh.json.slaClocks.find((c: { name: string }) => c.name === 'first-response');
    assert.equal(firstResponse.state, 'running');
    assert.ok(Date.parse(firstResponse.dueAt) > Date.now());
    const vector = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
    const set = await api.post(`/api/v1/reports/${s.reference}/severity`, { vector });
    assert.equal(set.status, 200, set.body);
    assert.deepEqual(set.json.severity, { vector, score: 9.8, rating: 'critical', second: null });
    const bad = await api.post(`/api/v1/reports/${s.reference}/severity`, { vector: 'CVSS:3.1/AV:N' });
    assert.equal(bad.status, 422);
    assert.ok(bad.json.error.fields.vector);
    await api.post(`/api/v1/reports/${s.reference}/state`, { to: 'needs-info' });
    const waiting = await api.get(`/api/v1/reports/${s.reference}`);
    assert.equal(waiting.json.slaClocks.find((c: { name: string }) => c.name === 'first-response').state, 'paused');
    const cleared = await api.post(`/api/v1/reports/${s.reference}/severity`, { vector: null });
    assert.equal(cleared.json.severity, null);
  });

  it('assigns by e-mail or id and unassigns; refuses people outside the program', async () => {
    const s = await makeReport(t.ctx.db);
    const triager = await makeStaff(t.ctx.db, 'triager', 'Tria Ger');
    const byEmail = await api.post(`/api/v1/reports/${s.reference}/assignee`, { assignee: triager.email.toUpperCase() });
    assert.equal(byEmail.status, 200, byEmail.body);
    assert.deepEqual(byEmail.json.assignee, { id: triager.id, name: 'Tria Ger' });
    assert.equal((await api.post(`/api/v1/reports/${s.reference}/assignee`, { assignee: triager.id })).status, 200);
    const viewer = await makeStaff(t.ctx.db, 'viewer');
    const refused = await api.post(`/api/v1/reports/${s.reference}/assignee`, { assignee: viewer.id });
    assert.equal(refused.status, 422);
    assert.ok(refused.json.error.fields.assignee);
    assert.equal((await api.post(`/api/v1/reports/${s.reference}/assignee`, { assignee: 'nobody@example.com' })).status, 422);
    assert.equal((await api.post(`/api/v1/reports/${s.reference}/assignee`, { assignee: 'me' })).status, 422);
    const cleared = await api.post(`/api/v1/reports/${s.reference}/assignee`, { assignee: null });
    assert.equal(cleared.json.assignee, null);
  });

  it('pages the list by keyset and filters by state', async () => {
    const lister = apiClient(t, (await makeApiToken(t.ctx.db, ['reports:read'])).token);
    const before = (await lister.get('/api/v1/reports?state=all')).json.data.length;
    for (let i = 0; i < 52 - before; i++) await makeReport(t.ctx.db, { title: `Paging report ${i}` });
    const first = await lister.get('/api/v1/reports');
    assert.equal(first.status, 200);
    assert.equal(first.json.data.length, 50);
    assert.ok(first.json.next);
    const second = await lister.get(first.json.links.next);
    assert.equal(second.status, 200);
    assert.ok(second.json.data.length >= 2);
    assert.equal(second.json.next, null);
    const seen = new Set([...first.json.data, ...second.json.data].map((r: { reference: string }) => r.reference));
    assert.equal(seen.size, first.json.data.length + second.json.data.length, 'no report twice');
    const waiting = await lister.get('/api/v1/reports?state=needs-info');
    assert.ok(waiting.json.data.length >= 1);
    assert.ok(waiting.json.data.every((r: { state: string }) => r.state === 'needs-info'));
    const bad = await lister.get('/api/v1/reports?state=teleported&sort=sideways');
    assert.equal(bad.status, 422);
    assert.deepEqual(Object.keys(bad.json.error.fields).sort(), ['sort', 'state']);
  });

  it('keeps report bodies, reporter contact and tokens out of the log', async () => {
    const { token } = await makeApiToken(t.ctx.db);
    const secret = 'UNIQUE-SECRET-DESCRIPTION-marker that is long enough';
    const res = await apiClient(t, token).post('/api/v1/reports', submission({ description: secret, reporterEmail: 'secret-reporter@example.org' }));
    assert.equal(res.status, 201);
    await apiClient(t, token).post(`/api/v1/reports/${res.json.reference}/messages`, { body: 'SECRET-NOTE-marker', visibility: 'internal' });
    const log = t.logText();
    assert.match(log, /report submitted through the API/);
    for (const needle of [secret, 'secret-reporter@example.org', 'SECRET-NOTE-marker', token.slice(4), new URL(res.json.trackingUrl).pathname.split('/').pop()!]) {
      assert.ok(!log.includes(needle), `log contains ${needle}`);
    }
  });
});
