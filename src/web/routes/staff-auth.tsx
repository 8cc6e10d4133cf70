import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { ValidationError } from '../../errors.ts';
import { createFirstAdmin, isValidSetupToken } from '../../staff/setup-token.ts';
import { hasAnySecondFactor } from '../../staff/passkeys/any-second-factor.ts';
import { clientBundleUrl } from '../client-bundles.ts';
import { signInAttempt, signInRefusalMessage, type SignInRefusal } from '../../staff/sign-in-limits.ts';
import { deleteSession, resolveSession } from '../../staff/sessions.ts';
import { checkCredentials, countStaffUsers } from '../../staff/staff-users.ts';
import { LOCAL_SIGN_IN_OFF, localSignInAllowed } from '../../staff/sso/password-policy.ts';
import { chrome, requestProgram, sendHtml } from '../page-context.ts';
import { sessionCookieName, staffCookieOptions, startStaffSession } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import { LoginPage, MessagePage, SetupPage } from '../views/staff-auth-pages.tsx';
import { beginSecondFactorSignIn } from './staff-second-factor.tsx';
import { auditSignInRefused, auditSignOut } from '../../audit/audit-hooks.ts';

type LoginBody = { email?: string; password?: string; next?: string };

/** Only local paths under /staff may be a post-login destination (no open redirect). */
export function safeNext(next: string | undefined): string {
  return next && /^\/staff\/[^/\\]/.test(next) && !next.includes('//') ? next : '/staff/reports';
}

export function registerStaffAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const cookieName = sessionCookieName(ctx);
  const cookieOptions = staffCookieOptions(ctx);
  const program = (req: FastifyRequest) => requestProgram(ctx, req); // the chrome of the host's program
  /** What the sign-in page offers besides the password: single sign-on, and whether the password is for the break-glass admin only. */
  const signInOptions = { sso: ctx.config.sso?.label, passwordForBreakGlassOnly: !ctx.config.passwordSignIn.enabled };
  const passkeyScript = () => clientBundleUrl('passkeys');

  app.get<{ Querystring: { next?: string; reset?: string } }>('/staff/login', async (req, reply) => {
    const notice = req.query.reset === 'done' ? 'Your new password is set and you were signed out everywhere. Sign in with it.' : undefined;
    const page = <LoginPage chrome={chrome(req, reply, await program(req))} csrf={reply.generateCsrf()} email="" next={req.query.next} notice={notice} {...signInOptions} passkeyScript={await passkeyScript()} />;
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post<{ Body: LoginBody }>('/staff/login', { preHandler: app.csrfProtection }, async (req, reply) => {
    const email = String(req.body?.email ?? '').slice(0, 320);
    const password = String(req.body?.password ?? '');
    const next = typeof req.body?.next === 'string' ? req.body.next : undefined;
    const render = async (status: number, error: string) =>
      sendHtml(reply, renderPage(<LoginPage chrome={chrome(req, reply, await program(req))} csrf={reply.generateCsrf()} email={email} next={next} error={error} {...signInOptions} passkeyScript={await passkeyScript()} />), status, { private: true });
    const refuse = async (refusal: SignInRefusal) => {
      reply.header('retry-after', String(refusal.retryAfterSeconds));
      await auditSignInRefused(ctx, req.ip, 'rate-limited');
      return render(429, signInRefusalMessage(refusal));
    };
    const limits = signInAttempt(ctx.db, ctx.secret, req.ip, email);
    const refused = await limits.begin();
    if (refused) return refuse(refused);
    const userId = await checkCredentials(ctx.db, email, password);
    const accountLimited = limits.accountLimited;
    // Past the account's own threshold only a password with a second factor gets through, and a wrong
    // password is answered like a right one without it: the answer tells nothing about either.
    if (accountLimited && !(userId && (await hasAnySecondFactor(ctx.db, userId)))) return refuse(accountLimited);
    if (!userId) return (await auditSignInRefused(ctx, req.ip, 'wrong-password'), render(401, 'The e-mail or password is not right.'));
    await limits.succeeded();
    // Checked after the password, so that the answer to a wrong one does not tell which account is the break-glass one.
    if (!localSignInAllowed(ctx.config, email)) return render(403, LOCAL_SIGN_IN_OFF);
    // A second factor: no session yet, only a five-minute pending sign-in waiting for the code.
    if (await hasAnySecondFactor(ctx.db, userId)) return beginSecondFactorSignIn(ctx, reply, userId, safeNext(next));
    await startStaffSession(ctx, reply, userId);
    return reply.redirect(safeNext(next), 303);
  });

  app.post('/staff/logout', { preHandler: app.csrfProtection }, async (req, reply) => {
    const token = req.cookies[cookieName];
    if (token) await auditSignOut(ctx, (await resolveSession(ctx.db, token))?.userId);
    if (token) await deleteSession(ctx.db, token);
    reply.clearCookie(cookieName, cookieOptions);
    return reply.redirect('/staff/login', 303);
  });

  app.get<{ Params: { token: string } }>('/staff/setup/:token', async (req, reply) => {
    const p = await program(req);
    if ((await countStaffUsers(ctx.db)) > 0 || !(await isValidSetupToken(ctx.db, req.params.token))) {
      return sendHtml(reply, renderPage(<MessagePage chrome={chrome(req, reply, p)} title="Link no longer valid" message="This setup link has been used or has expired. Sign in, or ask an administrator to create your account (command: embargo user add)." />), 404, { private: true });
    }
    const page = <SetupPage chrome={chrome(req, reply, p)} csrf={reply.generateCsrf()} token={req.params.token} values={{}} errors={{}} />;
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post<{ Params: { token: string }; Body: Record<string, string> }>('/staff/setup/:token', { preHandler: app.csrfProtection }, async (req, reply) => {
    const p = await program(req);
    const values = { email: String(req.body?.email ?? ''), displayName: String(req.body?.displayName ?? '') };
    const invalid = () =>
      sendHtml(reply, renderPage(<MessagePage chrome={chrome(req, reply, p)} title="Link no longer valid" message="This setup link has been used or has expired." />), 404, { private: true });
    if ((await countStaffUsers(ctx.db)) > 0 || !(await isValidSetupToken(ctx.db, req.params.token))) return invalid();
    try {
      const created = await createFirstAdmin(ctx.db, req.params.token, { ...values, password: String(req.body?.password ?? '') });
      if (!created.ok && created.reason === 'invalid') return invalid();
      if (!created.ok) {
        // Lost a race with another post of the same link: say so, rather than "expired".
        const message = 'This setup link was already used: the first administrator account exists now. Sign in with it, or ask whoever created it to add your account.';
        return sendHtml(reply, renderPage(<MessagePage chrome={chrome(req, reply, p)} title="Setup link already used" message={message} />), 409, { private: true });
      }
      await startStaffSession(ctx, reply, created.userId);
      req.log.info('first administrator created through the setup link');
      return reply.redirect('/staff/reports', 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const page = <SetupPage chrome={chrome(req, reply, p)} csrf={reply.generateCsrf()} token={req.params.token} values={values} errors={err.fields} />;
      return sendHtml(reply, renderPage(page), 422, { private: true });
    }
  });
}
