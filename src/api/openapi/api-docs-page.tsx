import { Layout, type PageChrome } from '../../web/views/layout.tsx';
import { API_ERROR_CODES } from '../api-errors.ts';
import { SCOPE_DESCRIPTIONS } from '../tokens/token-scopes.ts';

type Json = Record<string, unknown>;

/** A short type label for a JSON Schema node: string, integer, one of …, Report, array of Message. */
function typeLabel(s: Json | undefined): string {
  if (!s) return 'any';
  if (typeof s.$ref === 'string') return s.$ref.split('/').pop()!;
  if (Array.isArray(s.enum)) return `one of ${s.enum.join(', ')}`;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.anyOf)) return (s.anyOf as Json[]).map(typeLabel).join(' or ');
  if (s.type === 'array') return `array of ${typeLabel(s.items as Json)}`;
  if (Array.isArray(s.type)) return s.type.join(' or ');
  return typeof s.type === 'string' ? (s.format ? `${s.type} (${s.format})` : s.type) : 'object';
}

function FieldTable(props: { schema: Json | undefined }) {
  const props_ = (props.schema?.properties as Record<string, Json> | undefined) ?? {};
  const required = new Set((props.schema?.required as string[] | undefined) ?? []);
  const entries = Object.entries(props_);
  if (entries.length === 0) return null;
  return (
    <table class="inbox">
      <thead>
        <tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Notes</th></tr>
      </thead>
      <tbody>
        {entries.map(([name, s]) => (
          <tr key={name}>
            <td><code>{name}</code></td>
            <td>{typeLabel(s)}</td>
            <td>{required.has(name) ? 'yes' : 'no'}</td>
            <td>{typeof s.description === 'string' ? s.description : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Operation(props: { path: string; method: string; op: Json }) {
  const { op } = props;
  const params = (op.parameters as Json[]) ?? [];
  const body = ((op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.['application/json']?.schema as Json | undefined;
  const responses = Object.entries(op.responses as Record<string, Json>);
  return (
    <section class="api-operation" id={String(op.operationId)}>
      <h3>
        <code>{props.method.toUpperCase()} {props.path}</code> · {String(op.summary)}
      </h3>
      {String(op.description ?? '').split('\n\n').map((p) => <p key={p}>{p}</p>)}
      {params.length ? (
        <>
          <h4>Parameters</h4>
          <ul>
            {params.map((p) => (
              <li key={String(p.name)}>
                <code>{String(p.name)}</code> ({String(p.in)}{p.required ? ', required' : ''}): {typeLabel(p.schema as Json)}
                {p.description ? ` — ${String(p.description)}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {body ? (
        <>
          <h4>JSON body</h4>
          <FieldTable schema={body} />
        </>
      ) : null}
      <h4>Answers</h4>
      <ul>
        {responses.map(([status, r]) => (
          <li key={status}><strong>{status}</strong> {String(r.description)}</li>
        ))}
      </ul>
    </section>
  );
}

/** /api/docs: the OpenAPI document read as a page, without script (the CSP forbids inline script; none is needed). */
export function ApiDocsPage(props: { chrome: PageChrome; document: Json }) {
  const paths = Object.entries(props.document.paths as Record<string, Record<string, Json>>);
  const schemas = ((props.document.components as Json).schemas ?? {}) as Record<string, Json>;
  return (
    <Layout chrome={props.chrome} title="API" wide>
      <h1>Embargo API</h1>
      <p>
        The machine-readable description is <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Every request carries an API token that
        an administrator created for one program under <em>Staff › API tokens</em> or with <code>embargo token create</code>:
      </p>
      <pre><code>curl -H "Authorization: Bearer emb_…" {`${String(((props.document.servers as Json[])[0] ?? {}).url)}/api/v1/reports`}</code></pre>
      <h2>Scopes</h2>
      <dl>
        {Object.entries(SCOPE_DESCRIPTIONS).map(([scope, text]) => (
          <div key={scope}>
            <dt><code>{scope}</code></dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
      <h2>Endpoints</h2>
      <ul>
        {paths.flatMap(([path, ops]) =>
          Object.entries(ops).map(([method, op]) => (
            <li key={`${method} ${path}`}>
              <a href={`#${String(op.operationId)}`}><code>{method.toUpperCase()} {path}</code></a> {String(op.summary)}
            </li>
          )),
        )}
      </ul>
      {paths.flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => <Operation key={`${method} ${path}`} path={path} method={method} op={op} />))}
      <h2>Errors</h2>
      <p>Every error is JSON: <code>{'{ "error": { "code": "…", "message": "…" } }'}</code>, with <code>fields</code> for validation_failed.</p>
      <table class="inbox">
        <thead>
          <tr><th scope="col">Status</th><th scope="col">Code</th><th scope="col">Meaning</th></tr>
        </thead>
        <tbody>
          {Object.entries(API_ERROR_CODES).map(([code, e]) => (
            <tr key={code}><td>{e.status}</td><td><code>{code}</code></td><td>{e.description}</td></tr>
          ))}
        </tbody>
      </table>
      <h2>Schemas</h2>
      {Object.entries(schemas).map(([name, s]) => (
        <section key={name} id={`schema-${name}`}>
          <h3>{name}</h3>
          <FieldTable schema={s} />
        </section>
      ))}
    </Layout>
  );
}
