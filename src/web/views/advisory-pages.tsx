import { CREDIT_ROLES } from '../../advisories/advisory-content.ts';
import { advisoryCvssScores, advisoryUrls, type Advisory, type AdvisoryProduct } from '../../advisories/advisory.ts';
import { Layout, type AlternateLink, type PageChrome } from './layout.tsx';
import { Markdown } from './markdown.tsx';

const day = (iso: string) => iso.slice(0, 10);
const FEED: AlternateLink = { href: '/advisories/feed.atom', type: 'application/atom+xml', title: 'Security advisories (Atom)' };

function SeverityBadge(props: { advisory: Advisory }) {
  const c = props.advisory.cvss;
  if (!c) return <span class="severity">Severity not scored</span>;
  return <span class={`severity severity-${c.severity}`}>{c.severity[0]!.toUpperCase() + c.severity.slice(1)} ({c.score.toFixed(1)})</span>;
}

function versionRange(p: AdvisoryProduct): string {
  if (p.introduced && p.fixed) return `${p.introduced} up to, not including, ${p.fixed}`;
  if (p.fixed) return `before ${p.fixed}`;
  if (p.introduced) return `${p.introduced} and later`;
  return 'all versions';
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
export function AdvisoryBody(props: { advisory: Advisory }) {
  const a = props.advisory;
  return (
    <article class="advisory">
      <p class="meta">
        {a.id}
        {a.cveId ? <> · {a.cveId}</> : null} · <SeverityBadge advisory={a} /> · published {day(a.initialReleaseDate)}
        {a.currentReleaseDate !== a.initialReleaseDate ? <> · updated {day(a.currentReleaseDate)}</> : null}
      </p>
      <h2>Summary</h2>
      <p>{a.summary}</p>
      <h2>Affected products</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Affected versions</th>
            <th scope="col">Fixed in</th>
          </tr>
        </thead>
        <tbody>
          {a.products.map((p, i) => (
            <tr key={i}>
              <td>
                {p.name}
                {p.package ? <span class="meta"> ({p.package.ecosystem}: {p.package.name})</span> : null}
              </td>
              <td>{versionRange(p)}</td>
              <td>{p.fixed ?? 'no fix released yet'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {a.details ? (
        <>
          <h2>Details</h2>
          <Markdown source={a.details} />
        </>
      ) : null}
      {a.mitigation ? (
        <>
          <h2>Workarounds and mitigations</h2>
          <Markdown source={a.mitigation} />
        </>
      ) : null}
      <h2>Severity and weakness</h2>
      <dl>
        {advisoryCvssScores(a).length === 0 ? <><dt>CVSS</dt><dd>Not scored</dd></> : advisoryCvssScores(a).map((c) => (
          <>
            <dt key={`dt-${c.version}`}>CVSS {c.version}</dt>
            <dd key={`dd-${c.version}`}>{c.score.toFixed(1)} {c.severity} <code>{c.vector}</code></dd>
          </>
        ))}
        <dt>Weakness</dt>
        <dd>{a.cwe ? `CWE-${a.cwe.id}: ${a.cwe.name}` : 'Not classified'}</dd>
      </dl>
      {a.credits.length ? (
        <>
          <h2>Credits</h2>
          <ul class="credits">
            {a.credits.map((c, i) => (
              <li key={i}>
                {c.name} <span class="meta">({CREDIT_ROLES[c.role]})</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {a.references.length ? (
        <>
          <h2>References</h2>
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
          <h2>Revision history</h2>
          <ol class="revisions">
            {a.revisions.map((r) => (
              <li key={r.number} value={r.number}>
                <time dateTime={r.date}>{day(r.date)}</time>: {r.summary}
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
  return (
    <Layout chrome={props.chrome} title={a.title} alternates={[...alternates, FEED]}>
      <p class="breadcrumbs"><a href="/advisories">Security advisories</a></p>
      <h1>{a.title}</h1>
      <AdvisoryBody advisory={a} />
      <p class="meta">
        Machine-readable:{' '}
        {alternates.map((l, i) => (
          <span key={l.href}>{i ? ' · ' : ''}<a href={l.href}>{l.title}</a></span>
        ))}
        . Canonical address: <a href={advisoryUrls(a).html}>{advisoryUrls(a).html}</a>
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
                <td><SeverityBadge advisory={a} /></td>
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
