import { ErrorSummary, FieldError, Layout, formatDate, type PageChrome } from '../../web/views/layout.tsx';
import type { ApiTokenInfo } from './api-tokens.ts';
import { API_SCOPES, SCOPE_DESCRIPTIONS } from './token-scopes.ts';

export interface TokenFormValues {
  name: string;
  scopes: string[];
  program: string;
}

const when = (iso: string | null) => (iso ? formatDate(new Date(iso)) : '—');

/** /staff/api-tokens: an administrator's list of API tokens, the form to create one, and the new token shown once. */
export function StaffTokensPage(props: {
  chrome: PageChrome;
  csrf: string;
  programs: { id: string; slug: string; name: string }[];
  tokens: ApiTokenInfo[];
  values: TokenFormValues;
  errors: Record<string, string>;
  created?: { name: string; token: string };
  flash?: string;
}) {
  const { programs, tokens, values, errors } = props;
  const many = programs.length > 1;
  return (
    <Layout chrome={props.chrome} title="API tokens" wide>
      <h1>API tokens</h1>
      <p class="meta">
        Tokens let other systems use the <a href="/api/docs">API</a> for one program: forward reports, read them, reply and change their state.
        Their actions appear in the timeline under the token’s name. Only a fingerprint of each token is kept.
      </p>
      {props.flash ? <p class="notice success" role="status">{props.flash}</p> : null}
      {props.created ? (
        <div class="notice success tracking-link" role="status">
          <p>
            Token “{props.created.name}” created. Copy it now: it is not shown again.
          </p>
          <code>{props.created.token}</code>
        </div>
      ) : null}

      <h2>Tokens</h2>
      {tokens.length === 0 ? (
        <p class="empty">No API tokens yet.</p>
      ) : (
        <table class="inbox">
          <thead>
            <tr>
              <th scope="col">Name</th>
              {many ? <th scope="col">Program</th> : null}
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                {many ? <td>{t.programSlug}</td> : null}
                <td>{t.scopes.map((s) => <code key={s}>{s} </code>)}</td>
                <td>
                  {when(t.createdAt)}
                  <br />
                  <span class="meta">by {t.createdBy ?? 'the command line'}</span>
                </td>
                <td>{when(t.lastUsedAt)}</td>
                <td>
                  {t.revokedAt ? (
                    <>Revoked {when(t.revokedAt)}</>
                  ) : (
                    <>
                      {t.creatorDeactivated ? <p class="meta">Refused: {t.createdBy}’s account is deactivated.</p> : null}
                      <form method="post" action={`/staff/api-tokens/${t.id}/revoke`} class="inline">
                        <input type="hidden" name="_csrf" value={props.csrf} />
                        <button type="submit" aria-label={`Revoke ${t.name}`}>Revoke</button>
                      </form>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Create a token</h2>
      <ErrorSummary errors={errors} labels={{ name: 'Name', scopes: 'Scopes', program: 'Program' }} />
      <form method="post" action="/staff/api-tokens" class="narrow composer">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class={errors.name ? 'field invalid' : 'field'}>
          <label for="name">Name</label>
          <p class="hint">The system that will use it, e.g. “HackerOne bridge”.</p>
          <FieldError id="name" message={errors.name} />
          <input id="name" name="name" maxLength={100} required value={values.name} />
        </div>
        {many ? (
          <div class={errors.program ? 'field invalid' : 'field'}>
            <label for="program">Program</label>
            <FieldError id="program" message={errors.program} />
            <select id="program" name="program">
              {programs.map((p) => (
                <option key={p.id} value={p.id} selected={p.id === values.program}>{p.name}</option>
              ))}
            </select>
          </div>
        ) : (
          <input type="hidden" name="program" value={programs[0]?.id ?? ''} />
        )}
        <fieldset class={errors.scopes ? 'field choices invalid' : 'field choices'} id="scopes">
          <legend class="label">Scopes</legend>
          <FieldError id="scopes" message={errors.scopes} />
          {API_SCOPES.map((s) => (
            <div key={s}>
              <input type="checkbox" id={`scope-${s}`} name="scopes" value={s} checked={values.scopes.includes(s)} />{' '}
              <label for={`scope-${s}`}>
                <code>{s}</code>: {SCOPE_DESCRIPTIONS[s]}
              </label>
            </div>
          ))}
        </fieldset>
        <p>
          <button type="submit" class="primary">Create token</button>
        </p>
      </form>
    </Layout>
  );
}
