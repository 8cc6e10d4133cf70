import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changeState } from '../../src/reports/report-actions.ts';
import { closeAsNotApplicable, closeAsSpam } from '../../src/triage/close-report.ts';
import { senderHasher } from '../../src/triage/sender-hash.ts';
import { recordAssessment } from '../../src/triage/spam-signals.ts';
import { acknowledge, makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';

/** The inbox tabs' counts as a page shows them: label → number. */
function tabCounts(html: string): Record<string, number> {
  const nav = /<nav aria-label="Report views" class="tabs">(.*?)<\/nav>/s.exec(html)?.[1] ?? '';
  return Object.fromEntries([...nav.matchAll(/>([^<>]+)<span class="count">(\d+)<\/span>/g)].map((m) => [m[1]!, Number(m[2])]));
}
const inboxRefs = (html: string) => [...html.matchAll(/<td class="ref">\s*<a href="\/staff\/reports\/(EMB-\d{4}-\d{4})">/g)].map((m) => m[1]!);
const dueRefs = (html: string) => [...html.matchAll(/<tr class="due-[a-z-]+"><td class="ref"><a href="\/staff\/reports\/(EMB-\d{4}-\d{4})">/g)].map((m) => m[1]!);

describe('the Due view and the inbox tabs count the same reports', () => {
  let t: TestApp;
  let c: Client;
  let staffId: string;
  before(async () => {
    t = await startTestApp();
    const user = await makeStaff(t.ctx.db, 'triager', 'Counting Carla');
    staffId = user.id;
    c = await Client.signedIn(t.app, user);
  });
  after(async () => {
    await t.close();
  });

  it('on a mix of new, acknowledged, waiting, quarantined, closed and spam reports, the Due view leaves quarantined ones out and its counts agree with the tabs', async () => {
    const hasher = senderHasher(t.ctx.secret);
    const fresh = [await makeReport(t.ctx.db), await makeReport(t.ctx.db), await makeReport(t.ctx.db)];
    const acked = await makeReport(t.ctx.db);
    await acknowledge(t.ctx.db, t.ctx.vault, { reportId: acked.id, actorId: staffId });
    const waiting = await makeReport(t.ctx.db);
    await changeState(t.ctx.db, t.ctx.vault, { reportId: waiting.id, to: 'needs-info', actorId: staffId });
    const quarantined = [await makeReport(t.ctx.db), await makeReport(t.ctx.db)];
    for (const q of quarantined) {
      await t.ctx.db.transaction().execute((trx) => recordAssessment(trx, q.id, { quarantined: true, reasons: ['low-effort', 'no-steps'], aiAssistance: null, ipHash: null }));
    }
    const closed = await makeReport(t.ctx.db);
    await closeAsNotApplicable(t.ctx.db, t.ctx.vault, { reportId: closed.id, actorId: staffId, reason: 'out-of-scope' });
    const spam = await makeReport(t.ctx.db);
    await closeAsSpam(t.ctx.db, t.ctx.vault, hasher, { reportId: spam.id, actorId: staffId });
    // A quarantined report keeps its running clocks: it is left out of the Due view for being quarantined, not for lack of a deadline.
    const qRow = await t.ctx.db.selectFrom('reports').select('next_deadline_at').where('id', '=', quarantined[0]!.id).executeTakeFirstOrThrow();
    assert.ok(qRow.next_deadline_at instanceof Date);

    const inbox = await c.get('/staff/reports');
    const due = await c.get('/staff/reports/due');
    assert.equal(due.statusCode, 200);
    const counts = tabCounts(inbox.body);
    assert.deepEqual(tabCounts(due.body), counts, 'the Due view shows the inbox tabs with the same numbers');
    assert.deepEqual(counts, { Open: 5, New: 3, 'Waiting for reporter': 1, Due: 4, Quarantine: 2 });

    // Each count is the length of the list it leads to.
    assert.equal(inboxRefs(inbox.body).length, counts.Open);
    assert.equal(inboxRefs((await c.get('/staff/reports?state=new')).body).length, counts.New);
    assert.equal(inboxRefs((await c.get('/staff/reports?state=needs-info')).body).length, counts['Waiting for reporter']);
    const listed = dueRefs(due.body);
    assert.equal(listed.length, counts.Due);
    assert.deepEqual(new Set(listed), new Set([...fresh, acked].map((r) => r.reference)));
    for (const r of [...quarantined, waiting, closed, spam]) assert.ok(!listed.includes(r.reference), `${r.reference} is not due`);
  });
});
