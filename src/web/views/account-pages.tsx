import type { ComponentChildren } from 'preact';
import { ErrorSummary, FieldError, Layout, type PageChrome } from './layout.tsx';

/** /staff/account: a staff member's own name and password. */
export function AccountPage(props: {
  chrome: PageChrome;
  csrf: string;
  email: string;
  displayName: string;
  errors: Record<string, string>;
  flash?: string;
  /** Sign-in methods: single sign-on and passkeys (src/web/routes/account-security-section.tsx). */
  signIn?: ComponentChildren;
  /** The notifications section (src/web/views/notification-settings.tsx). */
  notifications?: ComponentChildren;
}) {
  const { errors } = props;
  return (
    <Layout chrome={props.chrome} title="Your account">
      <h1>Your account</h1>
      <p class="meta">
        Signed in as {props.email}. Two-step sign-in: <a href="/staff/account/security">sign-in security</a>.
      </p>
      {props.flash ? <p class="notice success" role="status">{props.flash}</p> : null}
      <ErrorSummary errors={errors} labels={{ displayName: 'Display name', currentPassword: 'Current password', newPassword: 'New password' }} />

      <h2>Display name</h2>
      <form method="post" action="/staff/account/name" class="narrow">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class={errors.displayName ? 'field invalid' : 'field'}>
          <label for="displayName">Display name</label>
          <p class="hint">What the team and the report timelines show.</p>
          <FieldError id="displayName" message={errors.displayName} />
          <input id="displayName" name="displayName" required maxLength={100} value={props.displayName} />
        </div>
        <button type="submit">Save name</button>
      </form>

      <h2>Password</h2>
      <form method="post" action="/staff/account/password" class="narrow">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class={errors.currentPassword ? 'field invalid' : 'field'}>
          <label for="currentPassword">Current password</label>
          <FieldError id="currentPassword" message={errors.currentPassword} />
          <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" required />
        </div>
        <div class={errors.newPassword ? 'field invalid' : 'field'}>
          <label for="newPassword">New password</label>
          <p class="hint" id="newPassword-hint">At least 12 characters. Your other sessions end; this one goes on.</p>
          <FieldError id="newPassword" message={errors.newPassword} />
          <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" required aria-describedby="newPassword-hint" />
        </div>
        <button type="submit">Change password</button>
      </form>

      {props.signIn}

      {props.notifications}
    </Layout>
  );
}

/** The page behind an invitation or a password reset link: choose a password (and, invited, a name). */
export function SetPasswordPage(props: {
  chrome: PageChrome;
  csrf: string;
  action: string;
  invitation: boolean;
  email: string;
  displayName: string;
  errors: Record<string, string>;
}) {
  const { errors } = props;
  const title = props.invitation ? 'Join the security team' : 'Set a new password';
  return (
    <Layout chrome={props.chrome} title={title}>
      <h1>{title}</h1>
      <p>
        {props.invitation
          ? `You were invited as ${props.email}. Choose your password to activate your account; this link works once.`
          : `For ${props.email}. This link works once; setting the password signs you out everywhere.`}
      </p>
      <ErrorSummary errors={errors} labels={{ displayName: 'Display name', password: 'Password' }} />
      <form method="post" action={props.action} class="narrow">
        <input type="hidden" name="_csrf" value={props.csrf} />
        {props.invitation ? (
          <div class={errors.displayName ? 'field invalid' : 'field'}>
            <label for="displayName">Display name</label>
            <FieldError id="displayName" message={errors.displayName} />
            <input id="displayName" name="displayName" required maxLength={100} value={props.displayName} />
          </div>
        ) : null}
        <div class={errors.password ? 'field invalid' : 'field'}>
          <label for="password">{props.invitation ? 'Password' : 'New password'}</label>
          <p class="hint" id="password-hint">At least 12 characters.</p>
          <FieldError id="password" message={errors.password} />
          <input id="password" name="password" type="password" autoComplete="new-password" required aria-describedby="password-hint" />
        </div>
        <button type="submit" class="primary">{props.invitation ? 'Activate my account' : 'Set password'}</button>
      </form>
    </Layout>
  );
}
