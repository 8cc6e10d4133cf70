import type { ComponentChildren } from 'preact';

/** The report page's secondary sections, each a <details> that opens without JavaScript. */
export type GroupId = 'reporter' | 'severity' | 'ssvc' | 'evaluation' | 'disclosure' | 'duplicates' | 'closing' | 'export' | 'privacy' | 'access';

/** After an action (`?done=`) the group that did it stays open, so its result shows. */
const DONE_GROUPS: Record<string, GroupId> = {
  severity: 'severity',
  cwe: 'severity',
  ssvc: 'ssvc',
  'resolution-date': 'evaluation',
  duplicate: 'duplicates',
  'disclosure-proposed': 'disclosure',
  'disclosure-agreed': 'disclosure',
  'disclosure-unchanged': 'disclosure',
  'reporter-erased': 'privacy',
  'erase-confirm': 'privacy',
};

/** A refused form's fields name the group to open, so its messages and what was typed are in view. */
const FIELD_GROUPS: Record<string, GroupId> = {
  teamCvss: 'severity',
  cwe: 'severity',
  exploitation: 'ssvc',
  automatable: 'ssvc',
  valueDensity: 'ssvc',
  technicalImpact: 'ssvc',
  publicSafetyImpact: 'ssvc',
  expectedResolutionDate: 'evaluation',
  dateReason: 'evaluation',
  evaluation: 'evaluation',
  original: 'duplicates',
  disclosureDate: 'disclosure',
  disclosureTime: 'disclosure',
  disclosureTimeZone: 'disclosure',
  disclosureMessage: 'disclosure',
  publishEarly: 'disclosure',
};

/** Which groups start open: the one the last action used, those with a refused field, and the CWE search. */
export function openGroups(args: { done?: string; errorFields: string[]; cweSearch: boolean }): Set<GroupId> {
  const open = new Set<GroupId>();
  const fromDone = args.done ? DONE_GROUPS[args.done] : undefined;
  if (fromDone) open.add(fromDone);
  for (const f of args.errorFields) {
    const g = FIELD_GROUPS[f];
    if (g) open.add(g);
  }
  if (args.cweSearch) open.add('severity');
  return open;
}

/** One collapsible section of the side column: a title, a one-line summary of what is inside, the panels. */
export function Group(props: { id: GroupId; title: string; summary?: ComponentChildren; open: boolean; children: ComponentChildren }) {
  return (
    <details class="group" id={`group-${props.id}`} open={props.open}>
      <summary>
        <span class="group-title">{props.title}</span>
        {props.summary ? <span class="group-summary">{props.summary}</span> : null}
      </summary>
      <div class="group-body">{props.children}</div>
    </details>
  );
}
