/**
 * The report page leads with what the report needs next, by state (issue 10):
 * the first panel of the main column is the next step, with its forms, and
 * the rest waits in groups. The browser test (test/browser/report-page-layout.test.ts)
 * checks where it lands on the screen; this one checks the markup per state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReportState } from '../../src/domain/lifecycle.ts';
import { changeState } from '../../src/reports/report-actions.ts';
import { acknowledgeWithEvaluation } from '../../src/triage/acknowledge-with-evaluation.ts';
import { futureDate, makeReport } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { signIn } from '../spam/spam-helpers.ts';

describe('the report page’s next step', () => {
  let t: TestApp;
  let triager: Client;
  let viewer: Client;
  let triagerId: string;
  before(async () => {
    t = await startTestApp();
    ({ c: triager, id: triagerId } = await signIn(t, 'triager', 'Tom Triage'));
    ({ c: viewer } = await signIn(t, 'viewer', 'Vic Viewer'));
  });
  after(async () => {
    await t.close();
  });

  /** A report moved through `path` by the use cases; "acknowledged" sends the evaluation. */
  async function reportIn(path: ReportState[]): Promise<string> {
    const r = await makeReport(t.ctx.db);
    for (const to of path) {
      if (to === 'acknowledged') await acknowledgeWithEvaluation(t.ctx.db, t.ctx.vault, { reportId: r.id, actorId: triagerId, evaluation: 'Confirmed.', expectedResolutionDate: futureDate() });
      else await changeState(t.ctx.db, t.ctx.vault, { reportId: r.id, to, actorId: triagerId });
    }
    return (await t.ctx.db.selectFrom('reports').select('reference').where('id', '=', r.id).executeTakeFirstOrThrow()).reference;
  }

  /** The next-step card's HTML, which comes before the report's text. */
  function nextStep(html: string): string {
    const start = html.indexOf('<section class="next-step');
    const end = html.indexOf('<article class="report-body"');
    assert.ok(start > 0 && end > start, 'the next step comes first in the main column, before the report');
    return html.slice(start, end);
  }

  it('new: evaluate and acknowledge, with severity and the rest in closed groups', async () => {
    const page = await triager.get(`/staff/reports/${await reportIn([])}`);
    assert.equal(page.statusCode, 200);
    const step = nextStep(page.body);
    assert.match(step, /id="next-step-h">Evaluate and acknowledge</);
    assert.match(step, /<form method="post" action="\/staff\/reports\/[^"]+\/acknowledge">/);
    assert.match(page.body, /<details class="group" id="group-severity">/, 'severity waits, closed');
    assert.match(page.body, /class="report-facts"[\s\S]*?New[\s\S]*?First response by/, 'the header shows the state and the next deadline');
    assert.match(page.body, /<section class="quick-actions" aria-labelledby="status-h">[\s\S]*?action="\/staff\/reports\/[^"]+\/state"[\s\S]*?action="\/staff\/reports\/[^"]+\/assign"/, 'status and assignee together');
  });

  it('acknowledged and triaged: severity and the fix date; fixed: advisory and disclosure', async () => {
    const acknowledged = nextStep((await triager.get(`/staff/reports/${await reportIn(['acknowledged'])}`)).body);
    assert.match(acknowledged, /id="next-step-h">Severity and fix date</);
    assert.match(acknowledged, /action="\/staff\/reports\/[^"]+\/severity"/);
    assert.match(acknowledged, /action="\/staff\/reports\/[^"]+\/resolution-date"/);
    assert.doesNotMatch(acknowledged, /\/acknowledge"/);

    // Triaged (the state the issue names): still severity and the fix date first, never the evaluation again.
    const triagedPage = (await triager.get(`/staff/reports/${await reportIn(['acknowledged', 'triaged'])}`)).body;
    assert.match(triagedPage, /class="report-facts"[\s\S]*?Triaged/);
    const triaged = nextStep(triagedPage);
    assert.match(triaged, /id="next-step-h">Severity and fix date</);
    assert.match(triaged, /action="\/staff\/reports\/[^"]+\/severity"/);
    assert.match(triaged, /action="\/staff\/reports\/[^"]+\/resolution-date"/);
    assert.doesNotMatch(triaged, /\/acknowledge"|Draft an advisory/);

    const fixedPage = (await triager.get(`/staff/reports/${await reportIn(['acknowledged', 'triaged', 'fixing', 'fixed'])}`)).body;
    const fixed = nextStep(fixedPage);
    assert.match(fixed, /id="next-step-h">Advisory and disclosure</);
    assert.match(fixed, /Draft an advisory/);
    assert.match(fixed, /action="\/staff\/reports\/[^"]+\/disclosure-date"/);
    assert.match(fixedPage, /<details class="group" id="group-severity">/, 'severity moves to its group');
    assert.equal(fixedPage.match(/id="teamCvss"/g)?.length, 1, 'no form twice');
  });

  it('a verdict owes nothing (reopening waits in the Evaluation group); a viewer only reads', async () => {
    const closedPage = (await triager.get(`/staff/reports/${await reportIn(['not-applicable'])}`)).body;
    assert.match(nextStep(closedPage), /id="next-step-h">Nothing left to do</);
    assert.doesNotMatch(nextStep(closedPage), /\/acknowledge"/);
    assert.match(closedPage, /<details class="group" id="group-evaluation">[\s\S]*?reopen with an evaluation[\s\S]*?\/acknowledge"/);

    const read = (await viewer.get(`/staff/reports/${await reportIn([])}`)).body;
    assert.match(nextStep(read), /id="next-step-h">Read only</);
    assert.doesNotMatch(read, /action="\/staff\/reports\/[^"]+\/(state|assign|messages|acknowledge)"/);
  });
});
