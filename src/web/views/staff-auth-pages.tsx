import { ErrorSummary, FieldError, Layout, type PageChrome } from './layout.tsx';
import { SsoButton } from './sso-views.tsx';
import { PasskeySignIn } from './passkey-views.tsx';

export function LoginPage(props: {
  chrome: PageChrome;
  csrf: string;
  email: string;
  error?: string;
  next?: string | undefined;
  notice?: string | undefined;
  /** The provider's label when single sign-on is configured. */
  sso?: string | undefined;
  /** EMBARGO_PASSWORD_SIGN_IN=false: the password form is for the break-glass administrator only. */
  passwordForBreakGlassOnly?: boolean;
  /** The passkey script's URL: offers "Sign in with a passkey" (with JavaScript). */
  passkeyScript?: string | undefined;
}) {
  const passwordForm = (
    <form method="post" action="/staff/login" class="narrow">
      <input type="hidden" name="_csrf" value={props.csrf} />
      {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
      <div class="field">
        <label for="email">E-mail</label>
        <input id="email" name="email" type="email" autoComplete="username" required value={props.email} />
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button type="submit" class={props.sso ? undefined : 'primary'}>Sign in</button>
    </form>
  );
  const passkey = props.passkeyScript ? <PasskeySignIn csrf={props.csrf} script={props.passkeyScript} next={props.next} /> : null;
  return (
    <Layout chrome={props.chrome} title="Staff sign-in">
      <h1>Staff sign-in</h1>
      {props.notice ? <p class="notice success" role="status">{props.notice}</p> : null}
      {props.error ? <p class="notice error" role="alert">{props.error}</p> : null}
      {props.sso ? <SsoButton label={props.sso} next={props.next} /> : null}
      {props.passwordForBreakGlassOnly ? (
        <details open={Boolean(props.error)}>
          <summary>Break-glass administrator sign-in</summary>
          {passwordForm}
          {passkey}
        </details>
      ) : (
        <>
          {passwordForm}
          {passkey}
        </>
      )}
    </Layout>
  );
}

export function SetupPage(props: { chrome: PageChrome; csrf: string; token: string; values: Record<string, string>; errors: Record<string, string> }) {
  const { values, errors } = props;
  const labels = { email: 'E-mail', displayName: 'Display name', password: 'Password' };
  return (
    <Layout chrome={props.chrome} title="Create the first administrator">
      <h1>Create the first administrator</h1>
      <p>This one-time link creates the first staff account. It stops working once used.</p>
      <ErrorSummary errors={errors} labels={labels} />
      <form method="post" action={`/staff/setup/${props.token}`} class="narrow">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class="field">
          <label for="email">E-mail</label>
          <FieldError id="email" message={errors.email} />
          <input id="email" name="email" type="email" autoComplete="username" required value={values.email ?? ''} />
        </div>
        <div class="field">
          <label for="displayName">Display name</label>
          <FieldError id="displayName" message={errors.displayName} />
          <input id="displayName" name="displayName" required value={values.displayName ?? ''} />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <p class="hint" id="password-hint">At least 12 characters.</p>
          <FieldError id="password" message={errors.password} />
          <input id="password" name="password" type="password" autoComplete="new-password" required aria-describedby="password-hint" />
        </div>
        <button type="submit" class="primary">Create administrator</button>
      </form>
    </Layout>
  );
}

export function MessagePage(props: { chrome: PageChrome; title: string; message: string; status?: number }) {
  return (
    <Layout chrome={props.chrome} title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        <a href="/">Back to the start page</a>
      </p>
    </Layout>
  );
}
