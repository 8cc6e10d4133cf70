import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { SlaClock } from '../../src/sla/sla-clocks.ts';
import { FirstResponseNotice, type FirstResponseView } from '../../src/web/views/track-response.tsx';
import { translator } from '../../src/i18n/translator.ts';

const now = new Date('2026-12-09T10:00:00Z');
const due = new Date('2026-12-07T16:00:00Z'); // Mon 7 Dec 17:00 in Amsterdam
const basis = { startedAt: new Date('2026-12-02T10:00:00Z'), amount: 3, unit: 'business-days' as const, pausedMs: 0 };
const common = { name: 'first-response' as const, label: 'First response', explanation: '' };
const evaluation = { firstResponseBusinessDays: 3, firstResponse: 'evaluation-and-date' as const };
const reply = { firstResponseBusinessDays: 1, firstResponse: 'reply' as const };

function text(clock: SlaClock | undefined, over: Partial<FirstResponseView> = {}): string {
  const view: FirstResponseView = { clock, sla: evaluation, timeZone: 'Europe/Amsterdam', evaluationSent: false, now, ...over };
  return renderToString(h(FirstResponseNotice, { ...view, t: translator('en') })).replace(/<[^>]+>/g, '');
}

describe('the tracking page’s first-response sentence', () => {
  it('while waiting on the reporter: on hold, with the time it would be due if they reply now', () => {
    const s = text({ ...common, state: 'paused', basis, pausedSince: now, dueAt: due, budgetLeftMs: 1 });
    assert.match(s, /on hold until you reply: if you reply now, you will hear from us by Mon 7 Dec 17:00 \(Europe\/Amsterdam time\) with our evaluation/);
  });

  it('overdue and unanswered: says so, and apologises', () => {
    const s = text({ ...common, state: 'breached', basis, dueAt: due, overdueByMs: 1, metAt: null });
    assert.match(s, /We promised to get back to you by Mon 7 Dec 17:00 \(Europe\/Amsterdam time\) with our evaluation .*, and we are late/);
  });

  it('answered late without the evaluation: claims an answer, never an evaluation', () => {
    const metAt = new Date('2026-12-08T09:00:00Z');
    const s = text({ ...common, state: 'breached', basis, dueAt: due, overdueByMs: 1, metAt });
    assert.match(s, /^We answered on Tue 8 Dec 10:00 \(Europe\/Amsterdam time\), later than the Mon 7 Dec 17:00 \(Europe\/Amsterdam time\) we promised/);
    assert.doesNotMatch(s, /evaluation/);
    assert.match(text({ ...common, state: 'breached', basis, dueAt: due, overdueByMs: 1, metAt }, { evaluationSent: true }), /^We sent our evaluation and an expected resolution date on Tue 8 Dec/);
  });

  it('a program that promises a reply: no evaluation in any state', () => {
    assert.doesNotMatch(text({ ...common, state: 'running', basis, dueAt: due, timeLeftMs: 1, budgetLeftMs: 1, nearBreach: false }, { sla: reply }), /evaluation/);
    assert.match(text({ ...common, state: 'met', basis, dueAt: due, metAt: due }, { sla: reply }), /^We replied on Mon 7 Dec 17:00/);
  });

  it('says nothing where no answer is promised (spam) or no clock runs', () => {
    assert.equal(text({ ...common, state: 'not-applicable' }), '');
    assert.equal(text(undefined), '');
  });
});
