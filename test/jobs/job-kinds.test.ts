import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attemptBudget, JOB_KINDS, kindsIn, OUTSIDE_MAIL_RETRIES, retryDelaySeconds, retryFor, STAFF_MAIL_RETRIES } from '../../src/jobs/job-kinds.ts';

const HOUR = 3600;
const DAY = 24 * HOUR;
/** Seconds from the first attempt to the last, had every one failed. */
const span = (p: ReturnType<typeof retryFor>) => Array.from({ length: p.maxAttempts - 1 }, (_, i) => retryDelaySeconds(p, i + 1)).reduce((a, b) => a + b, 0);

describe('job kinds: lanes and retry budgets', () => {
  it('delays double from the first and stop growing at the cap', () => {
    const p = retryFor(DAY, 60, HOUR);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 30].map((n) => retryDelaySeconds(p, n)), [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });

  it('a budget covers its span, and one more attempt would overshoot it', () => {
    for (const [days, first, cap] of [[5, 60, 2 * HOUR], [1, 60, HOUR], [1, 30, HOUR], [30, 30, 900]] as const) {
      const p = retryFor(days * DAY, first, cap);
      assert.ok(span(p) <= days * DAY);
      assert.ok(span({ ...p, maxAttempts: p.maxAttempts + 1 }) > days * DAY);
    }
  });

  it('mail to reporters and subscribers is tried for about five days, team mail for a day', () => {
    assert.ok(span(OUTSIDE_MAIL_RETRIES) > 4.9 * DAY && span(OUTSIDE_MAIL_RETRIES) <= 5 * DAY);
    assert.equal(OUTSIDE_MAIL_RETRIES.maxAttempts, 66);
    for (const kind of ['notify-reporter', 'mail-acknowledgement', 'subscription-mail', 'mail-subscriber'] as const) assert.equal(JOB_KINDS[kind].retry, OUTSIDE_MAIL_RETRIES);
    assert.equal(JOB_KINDS['sla-mail'].retry, STAFF_MAIL_RETRIES);
    assert.ok(span(STAFF_MAIL_RETRIES) > 0.9 * DAY && span(STAFF_MAIL_RETRIES) <= DAY);
  });

  it('every kind that sends mail runs in the mail lane, filing received mail in the other', () => {
    for (const kind of ['mail-acknowledgement', 'mail-subscriber', 'notify-reporter', 'sla-mail', 'subscription-mail'] as const) assert.ok(kindsIn('mail').includes(kind), kind);
    for (const kind of ['process-inbound-mail', 'sla-sweep', 'notify-subscribers', 'forget-unconfirmed-subscribers'] as const) assert.ok(kindsIn('work').includes(kind), kind);
    // Webhook receivers are other people's servers: a lane of their own, so a slow one delays neither mail nor filing.
    assert.deepEqual(kindsIn('webhook'), ['webhook-delivery']);
    assert.equal(kindsIn('mail').length + kindsIn('work').length + kindsIn('webhook').length, Object.keys(JOB_KINDS).length);
  });

  it("a job's own budget (a retry by hand) outranks its kind's", () => {
    assert.equal(attemptBudget({ kind: 'notify-reporter', max_attempts: null }), 66);
    assert.equal(attemptBudget({ kind: 'notify-reporter', max_attempts: 132 }), 132);
  });
});
