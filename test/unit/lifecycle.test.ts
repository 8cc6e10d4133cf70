import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPEN_STATES, REPORT_STATES, acceptanceProblem, checkTransition, isReporterVisibleState, nextStates, stateExplanation } from '../../src/domain/lifecycle.ts';

describe('report lifecycle', () => {
  it('follows the main path new → acknowledged → triaged → fixing → fixed → disclosed', () => {
    const path = ['new', 'acknowledged', 'triaged', 'fixing', 'fixed', 'disclosed'] as const;
    for (let i = 0; i < path.length - 1; i++) assert.deepEqual(checkTransition(path[i]!, path[i + 1]!), { ok: true });
  });

  it('refuses skipping steps with a sentence naming the allowed moves', () => {
    const check = checkTransition('new', 'fixed');
    assert.equal(check.ok, false);
    assert.match((check as { reason: string }).reason, /cannot become fixed; it can become: acknowledged/);
  });

  it('refuses staying in the same state', () => {
    assert.equal(checkTransition('triaged', 'triaged').ok, false);
  });

  it('treats disclosed as final', () => {
    assert.deepEqual(nextStates('disclosed'), []);
    for (const s of REPORT_STATES) assert.equal(checkTransition('disclosed', s).ok, false);
  });

  it('lets every open state wait on the reporter except fixed→needs-info paths it does not list', () => {
    for (const s of ['new', 'acknowledged', 'triaged', 'fixing'] as const) assert.equal(checkTransition(s, 'needs-info').ok, true);
  });

  it('allows reopening closed decisions', () => {
    assert.equal(checkTransition('not-applicable', 'acknowledged').ok, true);
    assert.equal(checkTransition('duplicate', 'acknowledged').ok, true);
    assert.equal(checkTransition('spam', 'new').ok, true);
    assert.equal(checkTransition('closed', 'triaged').ok, true);
  });

  it('only names existing states in the table', () => {
    for (const from of REPORT_STATES) for (const to of nextStates(from)) assert.ok(REPORT_STATES.includes(to), `${from} → ${to}`);
  });

  it('every state is reachable from new', () => {
    const seen = new Set<string>(['new']);
    const queue = ['new' as (typeof REPORT_STATES)[number]];
    while (queue.length) for (const n of nextStates(queue.shift()!)) if (!seen.has(n)) (seen.add(n), queue.push(n));
    assert.deepEqual([...seen].sort(), [...REPORT_STATES].sort());
  });

  it('keeps spam verdicts from the reporter and counts needs-info as open', () => {
    assert.equal(isReporterVisibleState('spam'), false);
    assert.equal(isReporterVisibleState('acknowledged'), true);
    assert.ok(OPEN_STATES.includes('needs-info'));
    assert.ok(!OPEN_STATES.includes('closed'));
  });

  it('accepts a never-evaluated report only with its evaluation where the program promises one', () => {
    const owed = { promise: 'evaluation-and-date' as const, evaluationSent: false, resumeState: null };
    for (const to of ['acknowledged', 'triaged', 'fixing', 'fixed'] as const) {
      for (const from of ['new', 'duplicate', 'not-applicable', 'needs-info'] as const) assert.match(acceptanceProblem({ ...owed, from, to }) ?? '', /promises the reporter an evaluation/, `${from}→${to}`);
    }
    assert.equal(acceptanceProblem({ ...owed, from: 'new', to: 'acknowledged', evaluationSent: true }), undefined);
    assert.equal(acceptanceProblem({ ...owed, from: 'new', to: 'acknowledged', promise: 'reply' }), undefined);
    assert.equal(acceptanceProblem({ ...owed, from: 'needs-info', to: 'fixing', resumeState: 'fixing' }), undefined, 'a wait begun after acceptance resumes freely');
    assert.equal(acceptanceProblem({ ...owed, from: 'acknowledged', to: 'triaged' }), undefined, 'reports accepted before the rule keep moving');
    assert.equal(acceptanceProblem({ ...owed, from: 'new', to: 'spam' }), undefined);
  });

  it('claims an evaluation to the reporter only when one was sent', () => {
    assert.match(stateExplanation('acknowledged', true), /sent you our evaluation and an expected resolution date/);
    assert.doesNotMatch(stateExplanation('acknowledged', false), /evaluat|resolution date/);
  });
});
