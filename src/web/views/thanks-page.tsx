import type { Program } from '../../programs/programs.ts';
import type { CreditYear } from '../../thanks/list-credits.ts';
import { Layout, type PageChrome } from './layout.tsx';

export function ThanksPage(props: { chrome: PageChrome; program: Program; years: CreditYear[] }) {
  const tr = props.chrome.t;
  const { t } = tr;
  return (
    <Layout chrome={props.chrome} title={t('thanks.title')}>
      <h1>{t('thanks.heading')}</h1>
      <p>{tr.rich('thanks.intro', { vendor: props.program.config.vendor, link: (c) => <a href="/policy">{c}</a> })}</p>
      {props.years.length === 0 ? <p class="empty">{t('thanks.empty')}</p> : null}
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
            <p class="meta">{t('thanks.anonymous', { count: y.anonymous })}</p>
          ) : null}
        </section>
      ))}
    </Layout>
  );
}
