import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { listIdentities } from '../../staff/sso/sso-sign-in.ts';
import { LinkedIdentities } from '../views/sso-views.tsx';

/**
 * The account page's sign-in sections (single sign-on, passkeys), loaded for the signed-in
 * staff member; the account page only places them.
 */
export async function accountSignInSections(ctx: AppContext, req: FastifyRequest, csrf: string) {
  const staff = req.staff!;
  const done = (req.query as { done?: string } | undefined)?.done;
  const sso = ctx.config.sso;
  return (
    <>
      {done === 'sso-linked' ? <p class="notice success" role="status">Your account is linked to {sso?.label ?? 'single sign-on'}.</p> : null}
      {sso ? <LinkedIdentities csrf={csrf} label={sso.label} identities={await listIdentities(ctx.db, staff.userId)} /> : null}
    </>
  );
}
