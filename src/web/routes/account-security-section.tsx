import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { listIdentities } from '../../staff/sso/sso-sign-in.ts';
import { LinkedIdentities } from '../views/sso-views.tsx';
import { listPasskeys } from '../../staff/passkeys/passkeys.ts';
import { PasskeysSection } from '../views/passkey-views.tsx';
import { clientBundleUrl } from '../client-bundles.ts';
import { signedInRecently } from '../../staff/passkeys/reauth.ts';
import { sessionCookieName } from '../require-staff.ts';
import { namedMessage } from '../named-message.ts';

/** The passkey section's messages after a redirect (?passkey=…): fixed texts, never what the URL says. */
const PASSKEY_NOTICES: Record<string, { kind: 'success' | 'error'; text: string }> = {
  added: { kind: 'success', text: 'Passkey added. Your other sessions have ended.' },
  removed: { kind: 'success', text: 'Passkey removed.' },
  'not-added': { kind: 'error', text: 'The passkey could not be added (the request expired or the answer did not check out). Try again.' },
  'not-confirmed': { kind: 'error', text: 'Not removed: confirm with your password or one of your passkeys.' },
  gone: { kind: 'error', text: 'That passkey was already removed.' },
};

/**
 * The account page's sign-in sections (single sign-on, passkeys), loaded for the signed-in
 * staff member; the account page only places them.
 */
export async function accountSignInSections(ctx: AppContext, req: FastifyRequest, csrf: string) {
  const staff = req.staff!;
  const query = (req.query ?? {}) as { done?: string; passkey?: string };
  const done = query.done;
  const sso = ctx.config.sso;
  const needsPassword = !(await signedInRecently(ctx.db, req.cookies[sessionCookieName(ctx)]));
  return (
    <>
      {done === 'sso-linked' ? <p class="notice success" role="status">Your account is linked to {sso?.label ?? 'single sign-on'}.</p> : null}
      {done === 'sso-not-confirmed' ? <p class="notice error" role="alert">Not linked: type your current password to link single sign-on (or sign out and in again).</p> : null}
      {sso ? <LinkedIdentities csrf={csrf} label={sso.label} identities={await listIdentities(ctx.db, staff.userId)} needsPassword={needsPassword} /> : null}
      <PasskeysSection
        csrf={csrf}
        script={await clientBundleUrl('passkeys')}
        passkeys={await listPasskeys(ctx.db, staff.userId)}
        needsPassword={needsPassword}
        notice={namedMessage(PASSKEY_NOTICES, query.passkey)}
      />
    </>
  );
}
