import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { RateLimitedError } from '../../errors.ts';
import { openEnrolment, sealEnrolment } from '../../staff/second-factor/enrolment.ts';
import { consumePendingSignIn, createPendingSignIn, PENDING_SIGN_IN_MS, resolvePendingSignIn } from '../../staff/second-factor/pending-sign-ins.ts';
import { qrCodeSvg } from '../../staff/second-factor/qr-code.ts';
import {
  disableSecondFactor,
  enrolSecondFactor,
  hasSecondFactor,
  secondFactorStatus,
  secondFactorUserLimitKey,
  verifySecondFactor,
  type VerifyResult,
} from '../../staff/second-factor/second-factors.ts';
import { newTotpSecret, otpauthUri } from '../../staff/second-factor/totp.ts';
import { endOtherSessions } from '../../staff/sessions.ts';
import { hasPasskeys, listPasskeys } from '../../staff/passkeys/passkeys.ts';
import { clientBundleUrl } from '../client-bundles.ts';
import { checkCredentials } from '../../staff/staff-users.ts';
import { chrome, requestProgram, sendHtml } from '../page-context.ts';
import { hitRateLimit, rateLimitKeys, refundRateLimit, resetRateLimit } from '../rate-limit.ts';
import { requireStaff, sessionCookieName, staffCookieOptions, startStaffSession } from '../require-staff.ts';
import { auditSignInRefused } from '../../audit/audit-hooks.ts';
import { renderPage } from '../views/layout.tsx';
import { AccountSecurityPage, RecoveryCodesPage, SecondFactorSignInPage, type AccountSecurityProps } from '../views/second-factor-pages.tsx';
import { LoginPage } from '../views/staff-auth-pages.tsx';

type Form = { Body: Record<string, string | undefined> };

/** Which second steps the sign-in page offers this account: the code form, a passkey, or both. */
async function secondStepMethods(ctx: AppContext, userId: string): Promise<{ totp: boolean; passkeyScript: string | undefined }> {
  return { totp: await hasSecondFactor(ctx.db, userId), passkeyScript: (await hasPasskeys(ctx.db, userId)) ? await clientBundleUrl('passkeys') : undefined };
}

export function pendingCookieName(ctx: AppContext): string {
  return ctx.config.secureCookies ? '__Host-embargo_sign_in' : 'embargo_sign_in';
}

/**
 * The password step's hand-over for accounts with a second factor: a pending
 * sign-in (five minutes, not a session) and the page asking for the code.
 * `next` must already be a checked local destination.
 */
export async function beginSecondFactorSignIn(ctx: AppContext, reply: FastifyReply, userId: string, next: string): Promise<FastifyReply> {
  const token = await createPendingSignIn(ctx.db, userId, next);
  reply.setCookie(pendingCookieName(ctx), token, { ...staffCookieOptions(ctx), maxAge: PENDING_SIGN_IN_MS / 1000 });
  return reply.redirect('/staff/login/second-factor', 303);
}

const CODE_MESSAGES: Record<Exclude<VerifyResult, { ok: true }>['reason'], string> = {
  invalid: 'That code is not right. Enter the 6-digit code your authenticator app shows now, or an unused recovery code.',
  replayed: 'That code was already used. Wait for the app to show the next one (a new code comes every 30 seconds).',
  'not-enrolled': 'This account has no second factor any more. Sign in again.',
};

/** Sign-in's second step, and the account page where staff set up, replace or remove their authenticator. */
export function registerStaffSecondFactorRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx, { enrolling: true });
  const program = (req: FastifyRequest) => requestProgram(ctx, req); // the chrome of the host's program
  const pendingCookie = pendingCookieName(ctx);

  const limitKey = rateLimitKeys(ctx.secret);
  const addressKey = (req: FastifyRequest) => limitKey('2fa:address', req.ip);

  /**
   * Per address and per account, like the password step: the code has only a million values.
   * Counted before the code is checked (parallel guesses cannot slip past); a right code gives
   * its counts back (codeAccepted), so only wrong codes add up.
   */
  async function limitCodeAttempts(req: FastifyRequest, userId: string): Promise<RateLimitedError | undefined> {
    try {
      await hitRateLimit(ctx.db, addressKey(req), 30, 900);
      await hitRateLimit(ctx.db, secondFactorUserLimitKey(userId), 10, 900);
      return undefined;
    } catch (err) {
      if (err instanceof RateLimitedError) return err;
      throw err;
    }
  }
  async function codeAccepted(req: FastifyRequest, userId: string): Promise<void> {
    await refundRateLimit(ctx.db, addressKey(req));
    await resetRateLimit(ctx.db, secondFactorUserLimitKey(userId));
  }
  const refuse = (reply: FastifyReply, limited: RateLimitedError) => reply.header('retry-after', String(limited.retryAfterSeconds));

  app.get('/staff/login/second-factor', async (req, reply) => {
    const pending = await resolvePendingSignIn(ctx.db, req.cookies[pendingCookie]);
    if (!pending) return reply.redirect('/staff/login', 303);
    const page = <SecondFactorSignInPage chrome={chrome(req, reply, await program(req))} csrf={reply.generateCsrf()} methods={await secondStepMethods(ctx, pending.userId)} />;
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post<Form>('/staff/login/second-factor', { preHandler: app.csrfProtection }, async (req, reply) => {
    const token = req.cookies[pendingCookie];
    const pending = await resolvePendingSignIn(ctx.db, token);
    const render = async (status: number, error: string) =>
      sendHtml(
        reply,
        renderPage(<SecondFactorSignInPage chrome={chrome(req, reply, await program(req))} csrf={reply.generateCsrf()} error={error} methods={pending ? await secondStepMethods(ctx, pending.userId) : undefined} />),
        status,
        { private: true },
      );
    const expired = async () => {
      reply.clearCookie(pendingCookie, staffCookieOptions(ctx));
      const page = <LoginPage chrome={chrome(req, reply, await program(req))} csrf={reply.generateCsrf()} email="" error="Signing in took longer than five minutes, or was finished elsewhere. Enter your e-mail and password again." />;
      return sendHtml(reply, renderPage(page), 401, { private: true });
    };
    if (!pending || !token) return expired();
    const limited = await limitCodeAttempts(req, pending.userId);
    if (limited) {
      refuse(reply, limited);
      return render(429, limited.message);
    }

    const result = await verifySecondFactor(ctx.db, ctx.secret, pending.userId, String(req.body?.code ?? '').slice(0, 100));
    if (!result.ok) {
      if (result.reason === 'not-enrolled') return expired();
      await auditSignInRefused(ctx, req.ip, 'wrong-code');
      return render(401, CODE_MESSAGES[result.reason]);
    }
    // One pending sign-in makes at most one session, even when two correct codes race.
    if (!(await consumePendingSignIn(ctx.db, token))) return expired();
    await codeAccepted(req, pending.userId);
    if (result.method === 'recovery-code') req.log.warn({ userId: pending.userId, recoveryCodesLeft: result.recoveryCodesLeft }, 'staff sign-in with a recovery code');
    reply.clearCookie(pendingCookie, staffCookieOptions(ctx));
    await startStaffSession(ctx, reply, pending.userId);
    return reply.redirect(pending.next ?? '/staff/reports', 303);
  });

  async function renderAccount(req: FastifyRequest, reply: FastifyReply, status: number, options: { secretBase32?: string; errors?: AccountSecurityProps['errors']; flash?: string } = {}) {
    const staff = req.staff!;
    const pageChrome = chrome(req, reply, await program(req));
    const secretBase32 = options.secretBase32 ?? newTotpSecret();
    const uri = otpauthUri(secretBase32, staff.email, pageChrome.siteName);
    const current = await secondFactorStatus(ctx.db, staff.userId);
    const passkeys = (await listPasskeys(ctx.db, staff.userId)).length;
    const page = (
      <AccountSecurityPage
        chrome={pageChrome}
        csrf={reply.generateCsrf()}
        status={current}
        required={ctx.config.requireSecondFactor && !current && !passkeys}
        passkeys={passkeys}
        enrolment={{ field: sealEnrolment(ctx.secret, staff.userId, secretBase32), secretBase32, uri, qrSvg: await qrCodeSvg(uri, `QR code for ${staff.email}`) }}
        errors={options.errors}
        flash={options.flash}
      />
    );
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  app.get<{ Querystring: { done?: string } }>('/staff/account/security', { preHandler: auth }, async (req, reply) =>
    renderAccount(req, reply, 200, { flash: req.query.done === 'disabled' ? 'Two-step sign-in is off.' : undefined }),
  );

  app.post<Form>('/staff/account/security/enrol', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const staff = req.staff!;
    const secretBase32 = openEnrolment(ctx.secret, staff.userId, String(req.body?.enrolment ?? ''));
    // An expired or altered form: start over with a fresh secret (the old one was never stored).
    if (!secretBase32) return renderAccount(req, reply, 422, { errors: { enrol: { code: 'This form expired. Scan the new QR code (or enter the new key) and type its code.' } } });
    const limited = await limitCodeAttempts(req, staff.userId);
    if (limited) return renderAccount(req, refuse(reply, limited), 429, { secretBase32, errors: { enrol: { code: limited.message } } });
    const replacing = await hasSecondFactor(ctx.db, staff.userId);
    if (replacing) {
      // Replacing needs the password and the current factor, like turning it off: a borrowed
      // session and a phished password must not move the factor to another device.
      if (!(await checkCredentials(ctx.db, staff.email, String(req.body?.password ?? '')))) {
        return renderAccount(req, reply, 422, { secretBase32, errors: { enrol: { password: 'The password is not right.' } } });
      }
      const current = await verifySecondFactor(ctx.db, ctx.secret, staff.userId, String(req.body?.currentCode ?? '').slice(0, 100));
      if (!current.ok && current.reason !== 'not-enrolled') {
        return renderAccount(req, reply, 422, { secretBase32, errors: { enrol: { currentCode: CODE_MESSAGES[current.reason] } } });
      }
    }
    const result = await enrolSecondFactor(ctx.db, ctx.secret, { userId: staff.userId, secretBase32, code: String(req.body?.code ?? '').slice(0, 100) });
    if (!result.ok) {
      return renderAccount(req, reply, 422, { secretBase32, errors: { enrol: { code: 'That code does not match this key. Check the app added the key shown here and type its current code.' } } });
    }
    await codeAccepted(req, staff.userId);
    // Sessions opened before (perhaps by whoever made this change necessary) end; this one stays.
    await endOtherSessions(ctx.db, staff.userId, req.cookies[sessionCookieName(ctx)]);
    if (replacing) req.log.warn({ userId: staff.userId }, 'second factor replaced');
    else req.log.info({ userId: staff.userId }, 'second factor enrolled');
    const page = <RecoveryCodesPage chrome={chrome(req, reply, await program(req))} codes={result.recoveryCodes} />;
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post<Form>('/staff/account/security/disable', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const staff = req.staff!;
    const limited = await limitCodeAttempts(req, staff.userId);
    if (limited) return renderAccount(req, refuse(reply, limited), 429, { errors: { disable: { code: limited.message } } });
    if (!(await checkCredentials(ctx.db, staff.email, String(req.body?.password ?? '')))) {
      return renderAccount(req, reply, 422, { errors: { disable: { password: 'The password is not right.' } } });
    }
    const result = await verifySecondFactor(ctx.db, ctx.secret, staff.userId, String(req.body?.code ?? '').slice(0, 100));
    if (!result.ok) {
      if (result.reason === 'not-enrolled') return reply.redirect('/staff/account/security', 303);
      return renderAccount(req, reply, 422, { errors: { disable: { code: CODE_MESSAGES[result.reason] } } });
    }
    await disableSecondFactor(ctx.db, staff.userId);
    await codeAccepted(req, staff.userId);
    await endOtherSessions(ctx.db, staff.userId, req.cookies[sessionCookieName(ctx)]);
    req.log.warn({ userId: staff.userId }, 'second factor turned off');
    return reply.redirect('/staff/account/security?done=disabled', 303);
  });
}
