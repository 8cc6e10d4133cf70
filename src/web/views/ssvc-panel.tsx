import { AUTOMATABLE, EXPLOITATION, PRIORITY_LABELS, PUBLIC_SAFETY_IMPACT, TECHNICAL_IMPACT, VALUE_DENSITY, type SsvcDecision } from '../../triage/ssvc.ts';
import { FieldError } from './layout.tsx';

const POINTS = [
  ['exploitation', 'Exploitation', EXPLOITATION, 'none: no evidence; public-poc: a proof of concept is public or the method well known; active: exploited in the wild.'],
  ['automatable', 'Automatable', AUTOMATABLE, 'Can an attacker reliably automate steps 1–4 of the kill chain?'],
  ['valueDensity', 'Value density', VALUE_DENSITY, 'concentrated: one exploitation yields many resources (servers, admin consoles).'],
  ['technicalImpact', 'Technical impact', TECHNICAL_IMPACT, 'total: full control of the component’s behaviour or all its information.'],
  ['publicSafetyImpact', 'Public safety impact', PUBLIC_SAFETY_IMPACT, 'significant: harm to people’s safety or critical services is plausible.'],
] as const;

/** SSVC decision points for the supplier's patch priority; a plain form, no script needed. */
export function SsvcPanel(props: { base: string; csrf: string; decision: SsvcDecision | undefined; values: Record<string, string>; errors: Record<string, string>; canEdit: boolean }) {
  const current = props.decision;
  return (
    <section aria-labelledby="ssvc-h" class="triage-ssvc">
      <h2 id="ssvc-h">SSVC priority</h2>
      <p>
        {current ? (
          <>
            <strong class={`ssvc ssvc-${current.priority}`}>{PRIORITY_LABELS[current.priority]}</strong>
            <span class="meta"> · utility {current.utility.replace('-', ' ')}</span>
          </>
        ) : (
          <span class="meta">Not assessed.</span>
        )}
      </p>
      {props.canEdit ? (
        <form method="post" action={`${props.base}/ssvc`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          {POINTS.map(([name, label, options, hint]) => {
            const selected = props.values[name] ?? (current ? String(current[name]) : '');
            return (
              <div key={name} class={props.errors[name] ? 'field invalid' : 'field'}>
                <label for={`ssvc-${name}`}>{label}</label>
                <p class="hint">{hint}</p>
                <FieldError id={`ssvc-${name}`} message={props.errors[name]} />
                <select id={`ssvc-${name}`} name={name} required>
                  <option value="" selected={!selected}>Choose…</option>
                  {options.map((o) => (
                    <option key={o} value={o} selected={selected === o}>{o}</option>
                  ))}
                </select>
              </div>
            );
          })}
          <button type="submit">Save SSVC</button>
        </form>
      ) : null}
    </section>
  );
}
