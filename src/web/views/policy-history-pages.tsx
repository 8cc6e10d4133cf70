import type { PolicyVersion } from '../../policy/policy-versions.ts';
import type { SectionDiff } from '../../policy/policy-diff.ts';
import type { Program } from '../../programs/programs.ts';
import { Layout, type PageChrome } from './layout.tsx';
import { PolicySectionsView } from './public-pages.tsx';
import { translator } from '../../i18n/translator.ts';

export function PolicyHistoryPage(props: { chrome: PageChrome; program: Program; versions: PolicyVersion[] }) {
  const { versions } = props;
  const tr = props.chrome.t;
  const { t } = tr;
  return (
    <Layout chrome={props.chrome} title={t('policy.history.title')}>
      <h1>{t('policy.history.heading')}</h1>
      <p>{t('policy.history.intro')}</p>
      <table class="inbox">
        <thead>
          <tr>
            <th scope="col">{t('policy.history.version')}</th>
            <th scope="col">{t('policy.history.published')}</th>
            <th scope="col">{t('policy.history.note')}</th>
            <th scope="col">{t('policy.history.compare')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v, i) => (
            <tr key={v.id}>
              <td>
                <a href={`/policy/versions/${v.version}`}>{t('policy.history.versionN', { version: v.version })}</a>
                {i === 0 ? <span class="meta"> {t('policy.history.current')}</span> : null}
              </td>
              <td>
                <time dateTime={v.publishedAt.toISOString()}>{tr.dateTime(v.publishedAt, props.chrome.timeZone)}</time>
              </td>
              <td>{v.note ?? <span class="meta">—</span>}</td>
              <td>{versions[i + 1] ? <a href={`/policy/diff?from=${versions[i + 1]!.version}&to=${v.version}`}>{t('policy.history.changesFrom', { version: versions[i + 1]!.version })}</a> : <span class="meta">{t('policy.history.first')}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

export function PolicyVersionPage(props: { chrome: PageChrome; program: Program; version: PolicyVersion; current: number }) {
  const { version } = props;
  const tr = props.chrome.t;
  const { t } = tr;
  return (
    <Layout chrome={props.chrome} title={t('policy.version.title', { version: version.version })}>
      <p class="breadcrumb">
        <a href="/policy/history">{t('policy.history.title')}</a> › {t('policy.version.crumb', { version: version.version })}
      </p>
      <h1>{t('policy.version.heading', { version: version.version })}</h1>
      <p class="meta">
        {t('policy.version.published', { date: tr.dateTime(version.publishedAt, props.chrome.timeZone) })}
        {version.version === props.current ? ` · ${t('policy.version.isCurrent')}` : <> · <a href="/policy">{t('policy.version.readCurrent')}</a></>}
      </p>
      {/* A version is shown as published, in its own language: its text is the record. */}
      <PolicySectionsView program={props.program} sections={version.sections} t={tr} fill={translator(props.program.config.languages.default)} />
    </Layout>
  );
}

/** A readable diff: removed words struck through, added words underlined, per section. */
export function PolicyDiffPage(props: { chrome: PageChrome; from: PolicyVersion; to: PolicyVersion; diff: SectionDiff[] }) {
  const changed = props.diff.filter((d) => d.changed);
  const tr = props.chrome.t;
  const { t } = tr;
  const { from, to } = props;
  return (
    <Layout chrome={props.chrome} title={t('policy.diff.title', { from: from.version, to: to.version })}>
      <p class="breadcrumb">
        <a href="/policy/history">{t('policy.history.title')}</a> › {t('policy.diff.crumb')}
      </p>
      <h1>{t('policy.diff.heading', { from: from.version, to: to.version })}</h1>
      <p class="meta">
        {t('policy.diff.meta', { from: from.version, to: to.version, fromDate: tr.dateTime(from.publishedAt, props.chrome.timeZone), toDate: tr.dateTime(to.publishedAt, props.chrome.timeZone) })}
        {props.to.note ? <> {t('policy.diff.note', { note: props.to.note })}</> : null}
      </p>
      <p class="legend">
        {tr.rich('policy.diff.legend', { del: (c) => <del>{c}</del>, ins: (c) => <ins>{c}</ins>, changed: changed.length, total: props.diff.length })}
      </p>
      {props.diff.map((d) => (
        <section key={d.key} class={d.changed ? 'diff changed' : 'diff'}>
          <h2>
            {t(`policy.section.${d.key}`)}
            {d.changed ? <span class="badge changed">{t('policy.diff.changed')}</span> : null}
          </h2>
          {d.changed ? (
            <div class="diff-text">
              {d.parts.map((p, i) => (p.kind === 'added' ? <ins key={i}>{p.text}</ins> : p.kind === 'removed' ? <del key={i}>{p.text}</del> : <span key={i}>{p.text}</span>))}
            </div>
          ) : (
            <p class="meta">{t('policy.diff.unchanged')}</p>
          )}
        </section>
      ))}
    </Layout>
  );
}
