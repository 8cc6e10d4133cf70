import { Layout, type PageChrome } from './layout.tsx';

/** A program the member may record an incident for, with its products and time zone. */
export interface IncidentProgramChoice {
  id: string;
  name: string;
  timeZone: string;
  products: readonly { id: string; name: string }[];
}

/**
 * "Record a severe incident" (EU CRA Art. 14(3)), for leads and admins: a new
 * report with no reporter, marked at once so the clocks start. One choice
 * names the program and the product together, so it works without JavaScript.
 */
export function CraIncidentPage(props: {
  chrome: PageChrome;
  programs: readonly IncidentProgramChoice[];
  csrf: string;
  values: Record<string, string>;
  errors: Record<string, string>;
  flash?: { kind: 'error'; message: string };
}) {
  const v = props.values;
  const e = props.errors;
  const err = (k: string) => (e[k] ? <p id={`inc-${k}-err`} class="field-error">{e[k]}</p> : null);
  const zones = [...new Set(props.programs.map((p) => p.timeZone))];
  return (
    <Layout chrome={props.chrome} title="Record a severe incident (EU CRA)">
      <p>
        <a href="/staff/reports/due">← Due</a>
      </p>
      <h1>Record a severe incident (EU CRA Art. 14(3))</h1>
      {props.flash ? <p class="notice error" role="alert">{props.flash.message}</p> : null}
      <p class="meta">
        For a severe incident having an impact on the security of a product that nobody reported to you. Embargo creates a report for it (no reporter; the
        timeline names you) and marks it as a severe incident, so the 24 h, 72 h and one-month clocks start from when the team became aware. Everything else
        (drafts, submissions, informing users) is on its CRA screen.
      </p>
      <form method="post" action="/staff/cra/incidents" class="cra-incident">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label for="inc-product">Program and product</label>
        <select id="inc-product" name="product" required aria-describedby={e.product ? 'inc-product-err' : undefined}>
          {props.programs.map((p) => (
            <optgroup key={p.id} label={p.name}>
              {[...p.products, { id: 'other', name: 'Other / not listed' }].map((x) => (
                <option key={x.id} value={`${p.id}:${x.id}`} selected={v.product === `${p.id}:${x.id}`}>
                  {x.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        {err('product')}
        <label for="inc-title">Title</label>
        <input id="inc-title" name="title" required minLength={5} maxLength={200} value={v.title ?? ''} aria-describedby={e.title ? 'inc-title-err' : undefined} />
        {err('title')}
        <label for="inc-description">What is known so far (optional; sealed like a report’s text)</label>
        <textarea id="inc-description" name="description" rows={6} maxLength={50000}>{v.description ?? ''}</textarea>
        {err('description')}
        <label for="inc-aware">When the team became aware ({zones.join(' / ')}: the program’s zone)</label>
        <input id="inc-aware" type="datetime-local" name="awareAt" required value={v.awareAt ?? ''} aria-describedby={e.awareAt ? 'inc-awareAt-err' : undefined} />
        {err('awareAt')}
        <button type="submit">Record and start the clocks</button>
      </form>
    </Layout>
  );
}
