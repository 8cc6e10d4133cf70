import { FieldError, Layout, formatDate, type PageChrome } from './layout.tsx';
import { PasskeySecondStep } from './passkey-views.tsx';

/** The second step of signing in: the authenticator's code or a recovery code. */
export function SecondFactorSignInPage(props: {
  chrome: PageChrome;
  csrf: string;
  error?: string;
  /** The account's second factors: an authenticator app (the code form), passkeys (the passkey script's URL). */
  methods?: { totp: boolean; passkeyScript: string | undefined };
}) {
  const totp = props.methods?.totp ?? true;
  const passkeyScript = props.methods?.passkeyScript;
  return (
    <Layout chrome={props.chrome} title="Two-step sign-in">
      <h1>Two-step sign-in</h1>
      {props.error ? <p class="notice error" role="alert">{props.error}</p> : null}
      {passkeyScript ? <PasskeySecondStep csrf={props.csrf} script={passkeyScript} /> : null}
      {passkeyScript && !totp ? <p class="hint">Your second step is one of your passkeys, which needs JavaScript in this browser.</p> : null}
      {totp ? (
      <form method="post" action="/staff/login/second-factor" class="narrow">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class="field">
          <label for="code">Code</label>
          <p class="hint" id="code-hint">The 6-digit code your authenticator app shows now, or one of your recovery codes.</p>
          <input id="code" name="code" autoComplete="one-time-code" autoCapitalize="none" spellcheck={false} required autoFocus aria-describedby="code-hint" maxLength={40} />
        </div>
        <button type="submit" class={passkeyScript ? undefined : 'primary'}>Continue</button>
      </form>
      ) : null}
      <p>
        Lost your device and your recovery codes? Ask an administrator to reset your second factor (<code>embargo user reset-second-factor</code>).{' '}
        <a href="/staff/login">Start again</a>
      </p>
    </Layout>
  );
}

export interface EnrolmentView {
  /** The sealed hidden field carrying the secret until it is confirmed. */
  field: string;
  secretBase32: string;
  uri: string;
  /** Inline SVG from qrCodeSvg(); the only unescaped markup of the page. */
  qrSvg: string;
}

export interface AccountSecurityProps {
  chrome: PageChrome;
  csrf: string;
  status: { enrolledAt: Date; recoveryCodesLeft: number } | undefined;
  enrolment: EnrolmentView;
  /** The instance requires a second factor and this account has none yet. */
  required: boolean;
  /** How many passkeys the account has (they are a second step too; managed on /staff/account). */
  passkeys?: number;
  errors?: { enrol?: Record<string, string>; disable?: Record<string, string> };
  flash?: string;
}

/** Groups of four characters, as authenticator apps show keys typed by hand. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/** /staff/account/security: the second factor's state, setting it up (or replacing it), turning it off. */
export function AccountSecurityPage(props: AccountSecurityProps) {
  const { status, enrolment: e } = props;
  const enrolErrors = props.errors?.enrol ?? {};
  const disableErrors = props.errors?.disable ?? {};
  return (
    <Layout chrome={props.chrome} title="Account security">
      <h1>Account security</h1>
      {props.flash ? <p class="notice success" role="status">{props.flash}</p> : null}
      {props.required ? (
        <p class="notice" role="alert">
          This instance requires two-step sign-in for staff. Set it up below to continue.
        </p>
      ) : null}
      <h2>Two-step sign-in</h2>
      {status ? (
        <p>
          On since {formatDate(status.enrolledAt)}. Signing in asks for your password and then a code from your authenticator app.{' '}
          {status.recoveryCodesLeft} unused recovery code{status.recoveryCodesLeft === 1 ? '' : 's'} left.
        </p>
      ) : props.passkeys ? (
        <p>
          No authenticator app. Your {props.passkeys === 1 ? 'passkey is' : `${props.passkeys} passkeys are`} your second step (<a href="/staff/account#passkeys">manage passkeys</a>).
        </p>
      ) : (
        <p>Off. Reports here describe unfixed vulnerabilities: a second factor keeps them safe when a password leaks.</p>
      )}

      <section aria-labelledby="enrol-heading">
        <h2 id="enrol-heading">{status ? 'Replace your authenticator' : 'Set up an authenticator app'}</h2>
        {status ? <p>Setting up a new authenticator replaces the current one and its recovery codes.</p> : null}
        <ol>
          <li>
            Scan this QR code with an authenticator app (any app for time-based codes, TOTP):
            <div class="qr-code" dangerouslySetInnerHTML={{ __html: e.qrSvg }} />
          </li>
          <li>
            Or enter this key by hand: <code id="totp-secret">{grouped(e.secretBase32)}</code> (time-based, 6 digits, every 30 seconds). On this device:{' '}
            <a href={e.uri}>open in an authenticator app</a>.
            <details>
              <summary>The otpauth:// link as text</summary>
              <code id="totp-uri">{e.uri}</code>
            </details>
          </li>
          <li>Type the code the app shows to confirm.</li>
        </ol>
        <form method="post" action="/staff/account/security/enrol" class="narrow">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="enrolment" value={e.field} />
          <div class="field">
            <label for="enrol-code">Code from the app</label>
            <FieldError id="enrol-code" message={enrolErrors.code} />
            <input id="enrol-code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" required maxLength={7} />
          </div>
          {status ? (
            <div class="field">
              <label for="enrol-password">Your password</label>
              <FieldError id="enrol-password" message={enrolErrors.password} />
              <input id="enrol-password" name="password" type="password" autoComplete="current-password" required />
            </div>
          ) : null}
          {status ? (
            <div class="field">
              <label for="enrol-current">Code from your current authenticator (or a recovery code)</label>
              <FieldError id="enrol-current" message={enrolErrors.currentCode} />
              <input id="enrol-current" name="currentCode" autoComplete="off" required maxLength={40} />
            </div>
          ) : null}
          <button type="submit" class="primary">{status ? 'Replace authenticator' : 'Turn on two-step sign-in'}</button>
        </form>
      </section>

      {status ? (
        <section aria-labelledby="disable-heading">
          <h2 id="disable-heading">Turn off two-step sign-in</h2>
          <form method="post" action="/staff/account/security/disable" class="narrow">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <div class="field">
              <label for="disable-password">Your password</label>
              <FieldError id="disable-password" message={disableErrors.password} />
              <input id="disable-password" name="password" type="password" autoComplete="current-password" required />
            </div>
            <div class="field">
              <label for="disable-code">Current code (or a recovery code)</label>
              <FieldError id="disable-code" message={disableErrors.code} />
              <input id="disable-code" name="code" autoComplete="one-time-code" required maxLength={40} />
            </div>
            <button type="submit">Turn off</button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

/** Shown once, right after enrolment: the recovery codes are not stored in a form that could show them again. */
export function RecoveryCodesPage(props: { chrome: PageChrome; codes: string[] }) {
  return (
    <Layout chrome={props.chrome} title="Your recovery codes">
      <h1>Two-step sign-in is on</h1>
      <p class="notice success" role="status">
        From now on, signing in asks for a code from your authenticator app after your password.
      </p>
      <h2>Your recovery codes</h2>
      <p>
        Each code signs you in once when you do not have your authenticator. Store them now, somewhere safe (a password manager):{' '}
        <strong>they are shown only this once.</strong>
      </p>
      <ul class="recovery-codes">
        {props.codes.map((c) => (
          <li>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <p>
        <a href="/staff/reports">Continue to the inbox</a> · <a href="/staff/account/security">Account security</a>
      </p>
    </Layout>
  );
}
