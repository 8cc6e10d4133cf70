import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { craClocks } from '../../src/cra/cra-clocks.ts';
import type { CraView } from '../../src/cra/load-cra-view.ts';
import { CraDueTable } from '../../src/web/views/cra-due-table.tsx';
import { CraReportPanel } from '../../src/web/views/cra-panel.tsx';

const at = (iso: string) => new Date(iso);

function view(zone: string, awareAt: string, now: string, submissions: { step: 'early-warning' | 'notification' | 'final-report'; submittedAt: Date }[] = []): CraView & { canDecide: boolean } {
  const facts = { kind: 'exploited-vulnerability' as const, awareAt: at(awareAt), measureAvailableAt: null, submissions };
  return {
    timeZone: zone,
    now: at(now),
    advisory: null,
    usersInformed: [],
    canDecide: true,
    cases: [{ id: '00000000-0000-4000-8000-000000000001', kind: 'exploited-vulnerability', awareAt: at(awareAt), measureAvailableAt: null, submissions: [], clocks: craClocks(facts, at(now), zone), drafts: {} as never }],
  };
}

describe('CRA views: deadlines in the program’s zone', () => {
  it('the report panel shows the 24 h and 72 h deadlines in Europe/Stockholm across the spring DST change, above the report while they run', () => {
    // Saturday 28 March 2026 10:00 CET; Sunday 02:00 → 03:00.
    const v = view('Europe/Stockholm', '2026-03-28T09:00:00Z', '2026-03-28T10:00:00Z');
    const next = renderToString(h(CraReportPanel, { view: v, base: '/staff/reports/EX-1', csrf: 'c', place: 'next' }));
    assert.match(next, /Due \(Europe\/Stockholm\)/);
    assert.match(next, /<time datetime="2026-03-29T09:00:00.000Z">Sun 29 Mar 11:00<\/time>/);
    assert.match(next, /<time datetime="2026-03-31T09:00:00.000Z">Tue 31 Mar 11:00<\/time>/);
    assert.match(next, /due in 23 h/);
    assert.equal(renderToString(h(CraReportPanel, { view: v, base: '/staff/reports/EX-1', csrf: 'c', place: 'group' })), '', 'not twice');
  });

  it('in Europe/Rome across the autumn change; once every step is submitted the panel moves to a closed group', () => {
    const v = view('Europe/Rome', '2026-10-24T08:00:00Z', '2026-10-24T09:00:00Z');
    const next = renderToString(h(CraReportPanel, { view: v, base: '/b', csrf: 'c', place: 'next' }));
    assert.match(next, /Sun 25 Oct 09:00/);
    assert.match(next, /Due \(Europe\/Rome\)/);
    const done = view('Europe/Rome', '2026-10-24T08:00:00Z', '2026-10-24T09:00:00Z', [
      { step: 'early-warning', submittedAt: at('2026-10-24T08:30:00Z') },
      { step: 'notification', submittedAt: at('2026-10-24T08:40:00Z') },
    ]);
    assert.equal(renderToString(h(CraReportPanel, { view: done, base: '/b', csrf: 'c', place: 'next' })), '');
    const group = renderToString(h(CraReportPanel, { view: done, base: '/b', csrf: 'c', place: 'group' }));
    assert.match(group, /<details class="group" id="group-cra">/);
    assert.match(group, /submitted <time datetime="2026-10-24T08:30:00.000Z">Sat 24 Oct 10:30<\/time>/);
  });

  it('the Due view’s rows: in the zone, overdue and nearly-due marked', () => {
    const html = renderToString(
      h(CraDueTable, {
        now: at('2026-03-29T08:00:00Z'),
        timeZone: 'Europe/Stockholm',
        rows: [
          { reference: 'EX-1', title: '<i>t</i>', kind: 'exploited-vulnerability', kindLabel: 'Actively exploited vulnerability', stepLabel: 'Early warning', article: 'Art. 14(2)(a)', dueAt: at('2026-03-29T09:00:00Z'), urgency: 'near-breach', provisional: false },
          { reference: 'EX-2', title: 't2', kind: 'severe-incident', kindLabel: 'Severe incident', stepLabel: 'Incident notification', article: 'Art. 14(4)(b)', dueAt: at('2026-03-28T09:00:00Z'), urgency: 'breached', provisional: false },
        ],
      }),
    );
    assert.match(html, /Sun 29 Mar 11:00<\/time> <span class="meta">\(in 1 h\)/);
    assert.match(html, /Nearly due/);
    assert.match(html, /Sat 28 Mar 10:00<\/time> <span class="meta">\(overdue by 23 h\)/);
    assert.match(html, /&lt;i>t&lt;\/i>/);
    assert.equal(renderToString(h(CraDueTable, { now: new Date(), timeZone: 'UTC', rows: [] })), '');
  });
});
