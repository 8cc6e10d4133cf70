import { Layout, formatDate, type PageChrome } from './layout.tsx';

/** A sign-in through the provider that Embargo refused: why, and the way back. */
export function SsoRefusedPage(props: { chrome: PageChrome; title: string; message: string }) {
  return (
    <Layout chrome={props.chrome} title={props.title}>
      <h1>{props.title}</h1>
      <p role="alert">{props.message}</p>
      <p>
        <a href="/staff/login">Back to sign-in</a>
      </p>
    </Layout>
  );
}

/** The "Sign in with …" button of the sign-in page (a plain link: it works without JavaScript). */
export function SsoButton(props: { label: string; next?: string | undefined }) {
  const href = props.next ? `/staff/login/sso?next=${encodeURIComponent(props.next)}` : '/staff/login/sso';
  return (
    <p>
      <a class="button primary" href={href}>
        Sign in with {props.label}
      </a>
    </p>
  );
}

/** The account page's single sign-on section: linked identities, and linking this account. */
export function LinkedIdentities(props: { csrf: string; label: string; identities: { issuer: string; lastSignInAt: Date | null }[]; needsPassword?: boolean }) {
  return (
    <section aria-labelledby="sso-heading">
      <h2 id="sso-heading">Single sign-on</h2>
      {props.identities.length ? (
        <ul>
          {props.identities.map((i) => (
            <li key={i.issuer}>
              Linked to {i.issuer}
              {i.lastSignInAt ? `, last sign-in ${formatDate(i.lastSignInAt)}` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <>
          <p>Link this account to your identity at {props.label} to sign in through it.</p>
          <form method="post" action="/staff/account/sso/link">
            <input type="hidden" name="_csrf" value={props.csrf} />
            {props.needsPassword ? (
              <div class="field">
                <label for="sso-link-password">Your current password</label>
                <p class="hint">To confirm it is you (not needed within ten minutes of signing in).</p>
                <input id="sso-link-password" name="password" type="password" autocomplete="current-password" required />
              </div>
            ) : null}
            <button type="submit">Link to {props.label}</button>
          </form>
        </>
      )}
    </section>
  );
}
