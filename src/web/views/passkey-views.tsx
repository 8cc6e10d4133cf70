import { formatDate } from './layout.tsx';
import type { PasskeySummary } from '../../staff/passkeys/passkeys.ts';

/**
 * The passkey script: an external, content-hashed file (the CSP allows script-src 'self'
 * only, and no inline script), placed where the forms that need it are.
 */
function PasskeyScript(props: { src: string }) {
  return <script type="module" src={props.src} />;
}

/** The account page's passkeys: the list (each removable after re-authentication) and adding one. */
export function PasskeysSection(props: {
  csrf: string;
  script: string;
  passkeys: PasskeySummary[];
  /** The session is older than ten minutes: adding a passkey asks for the password. */
  needsPassword: boolean;
  /** A message after adding or removing (from a fixed list, never user input). */
  notice?: { kind: 'success' | 'error'; text: string } | undefined;
}) {
  return (
    <section id="passkeys" aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      <p>
        A passkey signs you in without a password (your device checks your fingerprint, face or PIN), and is asked after your password as the second
        step. Add one per device or security key.
      </p>
      {props.notice ? (
        <p class={`notice ${props.notice.kind}`} role={props.notice.kind === 'error' ? 'alert' : 'status'}>
          {props.notice.text}
        </p>
      ) : null}
      {props.passkeys.length ? (
        <ul class="passkeys">
          {props.passkeys.map((p) => (
            <li key={p.id}>
              <strong>{p.name}</strong> — added {formatDate(p.createdAt)}
              {p.lastUsedAt ? `, last used ${formatDate(p.lastUsedAt)}` : ', never used'}
              {p.synced ? (p.backedUp ? ', synced and backed up' : ', can sync') : ', on this device only'}
              <form method="post" action={`/staff/account/passkeys/${p.id}/remove`} class="inline" data-passkey="assert" data-options="/staff/account/passkeys/confirm-options">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <input type="hidden" name="credential" value="" />
                <label for={`remove-password-${p.id}`}>Your password, to remove “{p.name}”</label>
                <input id={`remove-password-${p.id}`} name="password" type="password" autoComplete="current-password" />
                <button type="submit">Remove</button>{' '}
                <button type="button" data-passkey-trigger data-passkey-only hidden>
                  Confirm with a passkey and remove
                </button>
                <span class="error" data-passkey-error aria-live="polite" />
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p>No passkeys yet.</p>
      )}
      <form method="post" action="/staff/account/passkeys" class="narrow" data-passkey="register" data-options="/staff/account/passkeys/options" hidden>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="credential" value="" />
        <div class="field">
          <label for="passkey-name">Name of the new passkey</label>
          <p class="hint">For example “Work laptop” or “Blue security key”.</p>
          <input id="passkey-name" name="name" required maxLength={60} />
        </div>
        {props.needsPassword ? (
          <div class="field">
            <label for="passkey-password">Your current password</label>
            <p class="hint">To confirm it is you (not needed within ten minutes of signing in).</p>
            <input id="passkey-password" name="password" type="password" autoComplete="current-password" required />
          </div>
        ) : null}
        <button type="submit">Add a passkey</button>
        <p class="error" data-passkey-error aria-live="polite" />
      </form>
      <PasskeyScript src={props.script} />
    </section>
  );
}

/** "Sign in with a passkey" on the sign-in page (hidden without JavaScript or WebAuthn). */
export function PasskeySignIn(props: { csrf: string; script: string; next?: string | undefined }) {
  return (
    <>
      <form method="post" action="/staff/login/passkey" data-passkey="assert" data-options="/staff/login/passkey/options" hidden>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="credential" value="" />
        {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
        <button type="submit">Sign in with a passkey</button>
        <p class="error" data-passkey-error aria-live="polite" />
      </form>
      <PasskeyScript src={props.script} />
    </>
  );
}

/** The second step with a passkey (hidden without JavaScript; the code form stays). */
export function PasskeySecondStep(props: { csrf: string; script: string }) {
  return (
    <>
      <form method="post" action="/staff/login/second-factor/passkey" data-passkey="assert" data-options="/staff/login/second-factor/passkey/options" hidden>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="credential" value="" />
        <button type="submit" class="primary">Use a passkey</button>
        <p class="error" data-passkey-error aria-live="polite" />
      </form>
      <PasskeyScript src={props.script} />
    </>
  );
}
