import type { Program } from '../../programs/programs.ts';
import type { CreditYear } from '../../thanks/list-credits.ts';
import { Layout, type PageChrome } from './layout.tsx';

export function ThanksPage(props: { chrome: PageChrome; program: Program; years: CreditYear[] }) {
  return (
    <Layout chrome={props.chrome} title="Thanks">
      <h1>Thank you</h1>
      <p>
        Thank you for disclosing vulnerabilities to {props.program.config.vendor} according to our{' '}
        <a href="/policy">coordinated disclosure policy</a>. Here we list our gratitude to the people who reported problems we have
        fixed and disclosed, and who chose to be credited.
      </p>
      {props.years.length === 0 ? <p class="empty">No credited reports yet.</p> : null}
      {props.years.map((y) => (
        <section key={y.year} aria-labelledby={`y${y.year}`}>
          <h2 id={`y${y.year}`}>{y.year}</h2>
          {y.named.length ? (
            <ul class="credits">
              {y.named.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          {y.anonymous ? (
            <p class="meta">
              and {y.anonymous} researcher{y.anonymous === 1 ? '' : 's'} who asked to stay anonymous.
            </p>
          ) : null}
        </section>
      ))}
    </Layout>
  );
}
