import { CRA_KIND_LABELS, nextCraDeadline } from '../../cra/cra-clocks.ts';
import type { CraView } from '../../cra/load-cra-view.ts';
import { CraClockTable } from './cra-clock-list.tsx';
import { CraMarkForm } from './cra-page.tsx';

/** What the report page needs to show the CRA panel (src/cra/load-cra-view.ts) and who may decide. */
export type CraPanelView = CraView & { canDecide: boolean };

/** Whether any Article 14 clock of the report still runs (or is overdue): the panel then sits high up. */
export function craClockRuns(view: CraView | undefined): boolean {
  return !!view && view.cases.some((c) => nextCraDeadline(c.clocks) !== undefined);
}

/**
 * The report page's EU CRA Article 14 panel. `place="next"` renders it above
 * the report while a clock runs; `place="group"` renders it as a collapsed
 * group of the side column otherwise (nothing marked, or every step
 * submitted). The full screen (drafts, submissions, informing users) is
 * /staff/reports/REF/cra.
 */
export function CraReportPanel(props: { view?: CraPanelView; base: string; csrf: string; place: 'next' | 'group' }) {
  const { view } = props;
  if (!view) return null;
  const running = craClockRuns(view);
  if ((props.place === 'next') !== running) return null;
  if (!running && view.cases.length === 0 && !view.canDecide) return null;
  const body = (
    <section aria-labelledby="cra-h" class="panel cra-panel">
      <h2 id="cra-h">EU CRA reporting (Art. 14)</h2>
      {view.cases.map((c) => (
        <div key={c.id}>
          <h3>{CRA_KIND_LABELS[c.kind]}</h3>
          <CraClockTable clocks={c.clocks} zone={view.timeZone} now={view.now} />
        </div>
      ))}
      {view.cases.length ? (
        <p>
          <a href={`${props.base}/cra`}>Drafts, submissions and informing users</a>
        </p>
      ) : (
        <p class="meta">Not marked. Mark it when there is reliable evidence of exploitation, or a severe incident: the 24 h, 72 h and final report clocks start from when the team became aware.</p>
      )}
      {/* Above the report the panel stays short: marking the other kind is on the CRA screen. */}
      {view.canDecide && view.cases.length === 0 ? <CraMarkForm base={props.base} csrf={props.csrf} marked={view.cases.map((c) => c.kind)} zone={view.timeZone} /> : null}
    </section>
  );
  if (props.place === 'next') return body;
  const summary = view.cases.length ? view.cases.map((c) => `${CRA_KIND_LABELS[c.kind].toLowerCase()}: reported`).join(' · ') : 'not marked';
  return (
    <details class="group" id="group-cra">
      <summary>
        <span class="group-title">EU CRA reporting</span>
        <span class="group-summary">{summary}</span>
      </summary>
      <div class="group-body">{body}</div>
    </details>
  );
}
