/** One program a staff member may switch a one-program page to. */
export interface ProgramChoice {
  slug: string;
  name: string;
}

/**
 * Links to the same staff page for each program the member has a role in, for pages about one
 * program (policy, canned responses); nothing when they have one. The page's forms carry the
 * program too (a hidden "program" field), so a POST acts on the program shown.
 */
export function ProgramSwitcher(props: { path: string; current: string; programs: readonly ProgramChoice[] }) {
  if (props.programs.length < 2) return null;
  return (
    <nav class="program-switcher" aria-label="Program">
      Program:{' '}
      {props.programs.map((p, i) => (
        <>
          {i ? ' · ' : ''}
          {p.slug === props.current ? <strong aria-current="page">{p.name}</strong> : <a href={`${props.path}?program=${encodeURIComponent(p.slug)}`}>{p.name}</a>}
        </>
      ))}
    </nav>
  );
}
