import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decideAgreement,
  decideProposal,
  describeDaysLeft,
  describeTimeLeft,
  disclosureReminderDue,
  earlyDisclosureProblem,
  earlyPublicationProblem,
  formatDisclosureMoment,
  momentFields,
  parseDisclosureMoment,
  type DisclosureDate,
} from '../../src/disclosure/disclosure-rules.ts';

const NOW = new Date('2027-03-01T10:00:00Z');
const AMS = 'Europe/Amsterdam';
const at = (iso: string) => new Date(iso);
const date = (iso: string, status: DisclosureDate['status'], zone = AMS): DisclosureDate => ({
  at: at(iso),
  timeZone: zone,
  status,
  proposedBy: status === 'proposed-by-reporter' ? 'reporter' : 'team',
});

describe('parsing a disclosure moment', () => {
  it('reads date, time and zone as the wall time in that zone, 09:00 by default', () => {
    const p = parseDisclosureMoment({ date: '2027-03-11', time: '', timeZone: AMS }, NOW);
    assert.ok(p.ok);
    assert.equal(p.at.toISOString(), '2027-03-11T08:00:00.000Z', '09:00 CET');
    const ny = parseDisclosureMoment({ date: '2027-07-01', time: '14:30', timeZone: 'America/New_York' }, NOW);
    assert.ok(ny.ok);
    assert.equal(ny.at.toISOString(), '2027-07-01T18:30:00.000Z', '14:30 EDT');
  });

  it('moves a time the clocks skip forward, like the calendar module', () => {
    // Europe/Amsterdam springs from 02:00 to 03:00 on 28 March 2027.
    const p = parseDisclosureMoment({ date: '2027-03-28', time: '02:30', timeZone: AMS }, NOW);
    assert.ok(p.ok);
    assert.equal(p.at.toISOString(), '2027-03-28T01:30:00.000Z', '03:30 CEST');
  });

  it('names every wrong field, and refuses the past and far-off typos', () => {
    const bad = parseDisclosureMoment({ date: '2027-02-30', time: '25:00', timeZone: 'Mars/Olympus' }, NOW);
    assert.ok(!bad.ok);
    assert.deepEqual(Object.keys(bad.errors).sort(), ['disclosureDate', 'disclosureTime', 'disclosureTimeZone']);
    const past = parseDisclosureMoment({ date: '2027-03-01', time: '10:00', timeZone: AMS }, NOW);
    assert.ok(!past.ok);
    assert.match(past.errors.disclosureDate!, /future/);
    const far = parseDisclosureMoment({ date: '2207-03-01', time: '10:00', timeZone: AMS }, NOW);
    assert.ok(!far.ok);
    assert.match(far.errors.disclosureDate!, /within 5 years/);
  });

  it('shows a moment again as form fields and in words', () => {
    assert.deepEqual(momentFields(at('2027-03-11T08:00:00Z'), AMS), { date: '2027-03-11', time: '09:00', timeZone: AMS });
    assert.equal(formatDisclosureMoment(at('2027-03-11T08:00:00Z'), AMS), 'Thursday 11 March 2027, 09:00 (Europe/Amsterdam)');
    assert.equal(describeTimeLeft(at('2027-03-08T13:00:00Z'), NOW), 'in 7 days 3 h');
    assert.equal(describeTimeLeft(at('2027-02-27T10:00:00Z'), NOW), '2 days ago');
    // Calendar days in the date's zone: 167 hours across the spring change are still 7 days.
    assert.equal(describeDaysLeft(at('2027-04-01T07:00:00Z'), AMS, at('2027-03-25T08:00:00Z')), 'in 7 days');
    assert.equal(describeDaysLeft(at('2027-04-01T07:00:00Z'), AMS, at('2027-03-31T21:59:00Z')), 'tomorrow');
    assert.equal(describeDaysLeft(at('2027-04-01T07:00:00Z'), AMS, at('2027-03-31T22:00:00Z')), 'today');
  });
});

describe('proposing and agreeing', () => {
  const proposal = (iso: string) => ({ at: at(iso), timeZone: AMS });

  it('a first proposal by the team waits for the reporter; the message is optional', () => {
    const d = decideProposal(null, 'team', proposal('2027-04-01T07:00:00Z'), '');
    assert.equal(d.kind, 'proposed');
    assert.deepEqual(d.kind === 'proposed' && d.next, { at: at('2027-04-01T07:00:00Z'), timeZone: AMS, status: 'proposed-by-team', proposedBy: 'team' });
  });

  it('the reporter always gives a reason for another date', () => {
    const current = date('2027-04-01T07:00:00Z', 'proposed-by-team');
    const d = decideProposal(current, 'reporter', proposal('2027-05-01T07:00:00Z'), '  ');
    assert.equal(d.kind, 'refused');
    assert.equal(d.kind === 'refused' && d.field, 'disclosureMessage');
    const ok = decideProposal(current, 'reporter', proposal('2027-05-01T07:00:00Z'), 'The conference talk is on 1 May.');
    assert.equal(ok.kind === 'proposed' && ok.next.status, 'proposed-by-reporter');
  });

  it('moving an agreed date later needs the team’s reason; earlier does not; any change waits for the other side again', () => {
    const agreed = date('2027-04-01T07:00:00Z', 'agreed');
    const later = decideProposal(agreed, 'team', proposal('2027-04-15T07:00:00Z'), '');
    assert.equal(later.kind, 'refused');
    assert.match(later.kind === 'refused' ? later.message : '', /moves later/);
    const withReason = decideProposal(agreed, 'team', proposal('2027-04-15T07:00:00Z'), 'The 3.x backport slipped.');
    assert.ok(withReason.kind === 'proposed' && withReason.later && withReason.next.status === 'proposed-by-team');
    const earlier = decideProposal(agreed, 'team', proposal('2027-03-20T08:00:00Z'), '');
    assert.ok(earlier.kind === 'proposed' && !earlier.later);
    // Not yet agreed: the team may move its own proposal later without a reason.
    assert.equal(decideProposal(date('2027-04-01T07:00:00Z', 'proposed-by-team'), 'team', proposal('2027-04-15T07:00:00Z'), '').kind, 'proposed');
  });

  it('proposing what the other side proposed agrees; repeating one’s own is no change', () => {
    const byReporter = date('2027-04-01T07:00:00Z', 'proposed-by-reporter');
    const d = decideProposal(byReporter, 'team', proposal('2027-04-01T07:00:00Z'), '');
    assert.ok(d.kind === 'agreed' && d.next.status === 'agreed' && d.next.proposedBy === 'reporter');
    assert.equal(decideProposal(byReporter, 'reporter', proposal('2027-04-01T07:00:00Z'), 'again').kind, 'unchanged');
    assert.equal(decideProposal(date('2027-04-01T07:00:00Z', 'agreed'), 'team', proposal('2027-04-01T07:00:00Z'), '').kind, 'unchanged');
  });

  it('only the other side agrees, to the date it was shown, before it passes', () => {
    const byTeam = date('2027-04-01T07:00:00Z', 'proposed-by-team');
    assert.equal(decideAgreement(null, 'reporter', undefined, NOW).kind, 'refused');
    const own = decideAgreement(byTeam, 'team', undefined, NOW);
    assert.ok(own.kind === 'refused' && own.status === 409);
    const stale = decideAgreement(byTeam, 'reporter', at('2027-03-25T08:00:00Z'), NOW);
    assert.ok(stale.kind === 'refused' && /changed/.test(stale.message));
    const ok = decideAgreement(byTeam, 'reporter', at('2027-04-01T07:00:00Z'), NOW);
    assert.ok(ok.kind === 'agreed' && ok.next.status === 'agreed' && ok.next.proposedBy === 'team');
    assert.equal(decideAgreement(date('2027-04-01T07:00:00Z', 'agreed'), 'reporter', undefined, NOW).kind, 'unchanged');
    const passed = decideAgreement(byTeam, 'reporter', undefined, at('2027-04-02T00:00:00Z'));
    assert.ok(passed.kind === 'refused' && /passed/.test(passed.message));
    assert.equal(decideAgreement(date('2027-04-01T07:00:00Z', 'proposed-by-reporter'), 'team', undefined, NOW).kind, 'agreed');
  });
});

describe('reminder thresholds', () => {
  it('7 and 1 local days before at the same wall time, across the spring DST change, then the escalation', () => {
    // Agreed for Thursday 1 April 2027 09:00 CEST (07:00Z); a week before is 25 March 09:00 CET (08:00Z): 7 × 24 h + 1 h.
    const agreed = date('2027-04-01T07:00:00Z', 'agreed');
    assert.equal(disclosureReminderDue(agreed, at('2027-03-25T07:59:00Z'), false), undefined);
    assert.equal(disclosureReminderDue(agreed, at('2027-03-25T08:00:00Z'), false), '7-days-before');
    assert.equal(disclosureReminderDue(agreed, at('2027-03-31T06:59:00Z'), false), '7-days-before');
    assert.equal(disclosureReminderDue(agreed, at('2027-03-31T07:00:00Z'), false), '1-day-before');
    assert.equal(disclosureReminderDue(agreed, at('2027-04-01T07:00:00Z'), false), 'escalation');
    assert.equal(disclosureReminderDue(agreed, at('2027-04-01T07:00:00Z'), true), undefined, 'published: nothing to remind');
    assert.equal(disclosureReminderDue({ ...agreed, status: 'proposed-by-team' }, at('2027-03-31T07:00:00Z'), false), undefined, 'only agreed dates');
  });

  it('counts days in the date’s own zone', () => {
    // 09:00 in Tokyo on 10 March is 00:00Z; the day before is 9 March 00:00Z whatever the server's zone.
    const tokyo = date('2027-03-10T00:00:00Z', 'agreed', 'Asia/Tokyo');
    assert.equal(disclosureReminderDue(tokyo, at('2027-03-08T23:59:00Z'), false), '7-days-before');
    assert.equal(disclosureReminderDue(tokyo, at('2027-03-09T00:00:00Z'), false), '1-day-before');
    // Autumn change in New York (7 November 2027): a day before 09:00 EST is 09:00 EDT, 25 h earlier.
    const ny = date('2027-11-08T14:00:00Z', 'agreed', 'America/New_York');
    assert.equal(disclosureReminderDue(ny, at('2027-11-07T13:59:00Z'), false), '7-days-before');
    assert.equal(disclosureReminderDue(ny, at('2027-11-07T14:00:00Z'), false), '1-day-before');
  });
});

describe('publishing before the agreed date', () => {
  it('needs the explicit decision without an agreed date or before it', () => {
    assert.match(earlyPublicationProblem(null, NOW, false)!, /No disclosure date is agreed/);
    assert.match(earlyPublicationProblem(date('2027-03-02T08:00:00Z', 'proposed-by-team'), NOW, false)!, /No disclosure date is agreed/);
    assert.match(earlyPublicationProblem(date('2027-03-02T08:00:00Z', 'agreed'), NOW, false)!, /Tuesday 2 March 2027, 09:00 \(Europe\/Amsterdam\)/);
    assert.equal(earlyPublicationProblem(date('2027-03-02T08:00:00Z', 'agreed'), NOW, true), undefined);
    assert.equal(earlyPublicationProblem(date('2027-03-01T09:00:00Z', 'agreed'), NOW, false), undefined, 'on or after the agreed moment');
  });
});

describe('disclosing the report before the agreed date', () => {
  it('needs the explicit decision only while an agreed date is ahead and no advisory is published', () => {
    const ahead = date('2027-03-02T08:00:00Z', 'agreed');
    assert.match(earlyDisclosureProblem(ahead, NOW, false, false)!, /agreed with the reporter for Tuesday 2 March 2027, 09:00 \(Europe\/Amsterdam\), and no advisory is published/);
    assert.equal(earlyDisclosureProblem(ahead, NOW, false, true), undefined, 'the explicit decision');
    assert.equal(earlyDisclosureProblem(ahead, NOW, true, false), undefined, 'the advisory is published: the report is public');
    assert.equal(earlyDisclosureProblem(date('2027-03-01T09:00:00Z', 'agreed'), NOW, false, false), undefined, 'on or after the agreed moment');
    assert.equal(earlyDisclosureProblem(null, NOW, false, false), undefined, 'no date agreed: the team decides');
    assert.equal(earlyDisclosureProblem(date('2027-03-02T08:00:00Z', 'proposed-by-reporter'), NOW, false, false), undefined, 'only proposed');
  });
});
