import type { PolicyVersion } from '../../policy/policy-versions.ts';
import type { SectionDiff } from '../../policy/policy-diff.ts';
import type { Program } from '../../programs/programs.ts';
import { Layout, formatDate, type PageChrome } from './layout.tsx';
import { PolicySectionsView } from './public-pages.tsx';

export function PolicyHistoryPage(props: { chrome: PageChrome; program: Program; versions: PolicyVersion[] }) {
  const { versions } = props;
  return (
    <Layout chrome={props.chrome} title="Policy history">
      <h1>History of the disclosure policy</h1>
      <p>Every published version is kept unchanged. Reports record the version their reporter accepted.</p>
      <table class="inbox">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Published</th>
            <th scope="col">Change note</th>
            <th scope="col">Compare</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v, i) => (
            <tr key={v.id}>
              <td>
                <a href={`/policy/versions/${v.version}`}>Version {v.version}</a>
                {i === 0 ? <span class="meta"> (current)</span> : null}
              </td>
              <td>
                <time dateTime={v.publishedAt.toISOString()}>{formatDate(v.publishedAt)}</time>
              </td>
              <td>{v.note ?? <span class="meta">—</span>}</td>
              <td>{versions[i + 1] ? <a href={`/policy/diff?from=${versions[i + 1]!.version}&to=${v.version}`}>changes from version {versions[i + 1]!.version}</a> : <span class="meta">first version</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

export function PolicyVersionPage(props: { chrome: PageChrome; program: Program; version: PolicyVersion; current: number }) {
  const { version } = props;
  return (
    <Layout chrome={props.chrome} title={`Policy version ${version.version}`}>
      <p class="breadcrumb">
        <a href="/policy/history">Policy history</a> › version {version.version}
      </p>
      <h1>Disclosure policy, version {version.version}</h1>
      <p class="meta">
        Published {formatDate(version.publishedAt)}
        {version.version === props.current ? ' · this is the current version' : <> · <a href="/policy">read the current version</a></>}
      </p>
      <PolicySectionsView program={props.program} sections={version.sections} />
    </Layout>
  );
}

/** A readable diff: removed words struck through, added words underlined, per section. */
export function PolicyDiffPage(props: { chrome: PageChrome; from: PolicyVersion; to: PolicyVersion; diff: SectionDiff[] }) {
  const changed = props.diff.filter((d) => d.changed);
  return (
    <Layout chrome={props.chrome} title={`Policy changes ${props.from.version} → ${props.to.version}`}>
      <p class="breadcrumb">
        <a href="/policy/history">Policy history</a> › changes
      </p>
      <h1>
        Changes from version {props.from.version} to version {props.to.version}
      </h1>
      <p class="meta">
        Version {props.from.version} published {formatDate(props.from.publishedAt)}; version {props.to.version} published {formatDate(props.to.publishedAt)}.
        {props.to.note ? <> Note: {props.to.note}</> : null}
      </p>
      <p class="legend">
        <del>Removed text</del> and <ins>added text</ins>. {changed.length} of {props.diff.length} sections changed.
      </p>
      {props.diff.map((d) => (
        <section key={d.key} class={d.changed ? 'diff changed' : 'diff'}>
          <h2>
            {d.heading}
            {d.changed ? <span class="badge changed">changed</span> : null}
          </h2>
          {d.changed ? (
            <div class="diff-text">
              {d.parts.map((p, i) => (p.kind === 'added' ? <ins key={i}>{p.text}</ins> : p.kind === 'removed' ? <del key={i}>{p.text}</del> : <span key={i}>{p.text}</span>))}
            </div>
          ) : (
            <p class="meta">Unchanged.</p>
          )}
        </section>
      ))}
    </Layout>
  );
}
