import { translator, type Translator } from '../../i18n/translator.ts';
import { advisoryCvssScores, advisoryUrls, type Advisory, type AdvisoryProduct } from '../../advisories/advisory.ts';
import { Layout, type AlternateLink, type PageChrome } from './layout.tsx';
import { Markdown } from './markdown.tsx';

const FEED: AlternateLink = { href: '/advisories/feed.atom', type: 'application/atom+xml', title: 'Security advisories (Atom)' };

/** English unless a public page passes the reader's translator (the staff preview stays English). */
const ENGLISH = translator('en');

function SeverityBadge(props: { advisory: Advisory; tr: Translator }) {
  const c = props.advisory.cvss;
  const { t } = props.tr;
  if (!c) return <span class="severity">{t('advisory.severityNotScored')}</span>;
  return <span class={`severity severity-${c.severity}`}>{t('advisory.severity', { severity: c.severity })} ({c.score.toFixed(1)})</span>;
}

function versionRange(p: AdvisoryProduct, tr: Translator): string {
  if (p.introduced && p.fixed) return tr.t('advisory.range.both', { introduced: p.introduced, fixed: p.fixed });
  if (p.fixed) return tr.t('advisory.range.before', { fixed: p.fixed });
  if (p.introduced) return tr.t('advisory.range.from', { introduced: p.introduced });
  return tr.t('advisory.range.all');
}

/** The machine-readable variants an advisory has (CVE JSON only with a CVE id, from a CNA). */
export function advisoryAlternates(a: Advisory, cveRecord: boolean): AlternateLink[] {
  const path = `/advisories/${encodeURIComponent(a.id)}`;
  return [
    { href: `${path}.json`, type: 'application/json', title: 'CSAF 2.0' },
    { href: `${path}.osv.json`, type: 'application/json', title: 'OSV' },
    ...(a.cveId && cveRecord ? [{ href: `${path}.cve.json`, type: 'application/json', title: 'CVE JSON 5' }] : []),
  ];
}

/**
 * An advisory's readable body: public page and the staff preview share it, so
 * what a lead previews is what the world reads. Everything is escaped by
 * Preact; Markdown is rendered without raw HTML.
 */
export function AdvisoryBody(props: { advisory: Advisory; tr?: Translator }) {
  const a = props.advisory;
  const tr = props.tr ?? ENGLISH;
  const { t } = tr;
  return (
    <article class="advisory">
      <p class="meta">
        {a.id}
        {a.cveId ? <> · {a.cveId}</> : null} · <SeverityBadge advisory={a} tr={tr} /> · {t('advisory.published', { date: tr.date(a.initialReleaseDate) })}
        {a.currentReleaseDate !== a.initialReleaseDate ? <> · {t('advisory.updated', { date: tr.date(a.currentReleaseDate) })}</> : null}
      </p>
      <h2>{t('advisory.summary')}</h2>
      <p>{a.summary}</p>
      <h2>{t('advisory.affected')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('advisory.col.product')}</th>
            <th scope="col">{t('advisory.col.versions')}</th>
            <th scope="col">{t('advisory.col.fixed')}</th>
          </tr>
        </thead>
        <tbody>
          {a.products.map((p, i) => (
            <tr key={i}>
              <td>
                {p.name}
                {p.package ? <span class="meta"> ({p.package.ecosystem}: {p.package.name})</span> : null}
              </td>
              <td>{versionRange(p, tr)}</td>
              <td>{p.fixed ?? t('advisory.noFix')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {a.details ? (
        <>
          <h2>{t('advisory.details')}</h2>
          <Markdown source={a.details} />
        </>
      ) : null}
      {a.mitigation ? (
        <>
          <h2>{t('advisory.mitigation')}</h2>
          <Markdown source={a.mitigation} />
        </>
      ) : null}
      <h2>{t('advisory.severityAndWeakness')}</h2>
      <dl>
        {advisoryCvssScores(a).length === 0 ? <><dt>CVSS</dt><dd>{t('advisory.notScored')}</dd></> : advisoryCvssScores(a).map((c) => (
          <>
            <dt key={`dt-${c.version}`}>CVSS {c.version}</dt>
            <dd key={`dd-${c.version}`}>{c.score.toFixed(1)} {t('advisory.severityWord', { severity: c.severity })} <code>{c.vector}</code></dd>
          </>
        ))}
        <dt>{t('advisory.weakness')}</dt>
        <dd>{a.cwe ? `CWE-${a.cwe.id}: ${a.cwe.name}` : t('advisory.notClassified')}</dd>
      </dl>
      {a.credits.length ? (
        <>
          <h2>{t('advisory.credits')}</h2>
          <ul class="credits">
            {a.credits.map((c, i) => (
              <li key={i}>
                {c.name} <span class="meta">({t(`advisory.credit.${c.role}`)})</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {a.references.length ? (
        <>
          <h2>{t('advisory.references')}</h2>
          <ul>
            {a.references.map((r, i) => (
              <li key={i}>
                <a href={r.url} rel="noopener noreferrer nofollow">{r.summary}</a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {a.revisions.length ? (
        <>
          <h2>{t('advisory.revisions')}</h2>
          <ol class="revisions">
            {a.revisions.map((r) => (
              <li key={r.number} value={r.number}>
                <time dateTime={r.date}>{tr.date(r.date)}</time>: {r.summary}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </article>
  );
}

export function AdvisoryPage(props: { chrome: PageChrome; advisory: Advisory; cveRecord: boolean }) {
  const a = props.advisory;
  const alternates = advisoryAlternates(a, props.cveRecord);
  const tr = props.chrome.t;
  return (
    <Layout chrome={props.chrome} title={a.title} alternates={[...alternates, FEED]}>
      <p class="breadcrumbs"><a href="/advisories">{tr.t('advisories.title')}</a></p>
      <h1>{a.title}</h1>
      <AdvisoryBody advisory={a} tr={tr} />
      <p class="meta">
        {tr.t('advisory.machineReadable')}{' '}
        {alternates.map((l, i) => (
          <span key={l.href}>{i ? ' · ' : ''}<a href={l.href}>{l.title}</a></span>
        ))}
        . {tr.t('advisory.canonical')} <a href={advisoryUrls(a).html}>{advisoryUrls(a).html}</a>
      </p>
    </Layout>
  );
}

export function AdvisoryListPage(props: { chrome: PageChrome; vendor: string; advisories: Advisory[] }) {
  const tr = props.chrome.t;
  const { t } = tr;
  return (
    <Layout chrome={props.chrome} title={t('advisories.title')} alternates={[FEED]}>
      <h1>{t('advisories.title')}</h1>
      <p>
        {tr.rich('advisories.intro', {
          vendor: props.vendor,
          feed: (c) => <a href={FEED.href}>{c}</a>,
          csaf: (c) => <a href="/.well-known/csaf/provider-metadata.json">{c}</a>,
        })}
      </p>
      <p>{tr.rich('advisories.subscribe', { link: (c) => <a href="/subscribe">{c}</a> })}</p>
      {props.advisories.length === 0 ? <p class="empty">{t('advisories.empty')}</p> : (
        <table class="advisories">
          <thead>
            <tr>
              <th scope="col">{t('advisories.col.advisory')}</th>
              <th scope="col">{t('advisories.col.title')}</th>
              <th scope="col">{t('advisories.col.severity')}</th>
              <th scope="col">{t('advisories.col.published')}</th>
              <th scope="col">{t('advisories.col.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {props.advisories.map((a) => (
              <tr key={a.id}>
                <td class="ref"><a href={`/advisories/${encodeURIComponent(a.id)}`}>{a.id}</a>{a.cveId ? <span class="meta"> {a.cveId}</span> : null}</td>
                <td><a href={`/advisories/${encodeURIComponent(a.id)}`}>{a.title}</a></td>
                <td><SeverityBadge advisory={a} tr={tr} /></td>
                <td><time dateTime={a.initialReleaseDate}>{tr.date(a.initialReleaseDate)}</time></td>
                <td><time dateTime={a.currentReleaseDate}>{tr.date(a.currentReleaseDate)}</time></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
