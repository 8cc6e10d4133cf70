import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { ValidationError } from '../../errors.ts';
import { findLiveLink } from '../../staff/accounts/account-links.ts';
import { changeOwnDisplayName, changeOwnPassword } from '../../staff/accounts/own-account.ts';
import { acceptInvitation, LinkNoLongerValidError, resetPasswordWithLink } from '../../staff/accounts/password-links.ts';
import type { StaffLinkPurpose } from '../../db/staff-auth-tables.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { hitRateLimit, idRateLimitKey } from '../rate-limit.ts';
import { requireStaff, sessionCookieName, startStaffSession } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import { AccountPage, SetPasswordPage } from '../views/account-pages.tsx';
import { MessagePage } from '../views/staff-auth-pages.tsx';
import { accountSignInSections } from './account-security-section.tsx';
import { localSignInAllowed } from '../../staff/sso/password-policy.ts';
import { NotificationSettings, type NotificationFormValues } from '../views/notification-settings.tsx';
import { loadNotificationPreferences, parsePreferenceForm, preferenceFormValues, saveNotificationPreferences } from '../../team-notices/preferences.ts';
import { programTimeZones } from '../../team-notices/team-members.ts';
import { visiblePrograms } from '../../auth/policies.ts';

type Form = { Body: Record<string, string | undefined> };

/** Wrong current passwords per account in 15 minutes: an open session on someone else's screen gets no guessing oracle. */
const CURRENT_PASSWORD_TRIES = 10;

/**
 * A staff member's own account (/staff/account: name and password), and the pages
 * behind the one-time links sent by mail (/staff/invitation/…, /staff/password-reset/…).
 */
export function registerStaffAccountRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  async function renderAccount(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    options: { errors?: Record<string, string>; flash?: string; displayName?: string; notifications?: { values: NotificationFormValues; errors: Record<string, string> } } = {},
  ) {
    const csrf = reply.generateCsrf();
    const notifications = options.notifications ?? { values: preferenceFormValues(await loadNotificationPreferences(ctx.db, req.staff!.userId)), errors: {} };
    const timeZones = await programTimeZones(ctx.db, visiblePrograms(req.staff!));
    const page = (
      <AccountPage
        chrome={chrome(req, reply, await staffProgram(ctx, req))}
        csrf={csrf}
        email={req.staff!.email}
        displayName={options.displayName ?? req.staff!.displayName}
        errors={options.errors ?? {}}
        {...(options.flash ? { flash: options.flash } : {})}
        signIn={await accountSignInSections(ctx, req, csrf)}
        notifications={<NotificationSettings csrf={csrf} values={notifications.values} errors={notifications.errors} timeZones={timeZones} />}
      />
    );
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  app.get<{ Querystring: { done?: string } }>('/staff/account', { preHandler: auth }, async (req, reply) => {
    const flash =
      req.query.done === 'password' ? 'Password changed. Your other sessions have ended.'
      : req.query.done === 'name' ? 'Display name saved.'
      : req.query.done === 'notifications' ? 'Notification settings saved.'
      : undefined;
    return renderAccount(req, reply, 200, flash ? { flash } : {});
  });

  app.post<Form>('/staff/account/name', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const displayName = String(req.body?.displayName ?? '').slice(0, 200);
    try {
      await changeOwnDisplayName(ctx.db, { userId: req.staff!.userId, displayName });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderAccount(req, reply, 422, { errors: err.fields, displayName });
    }
    return reply.redirect('/staff/account?done=name', 303);
  });

  // How this person hears of new work (src/team-notices/): only their own settings.
  app.post<Form>('/staff/account/notifications', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    const body = req.body ?? {};
    const values: NotificationFormValues = {};
    for (const key of ['new-report', 'reporter-reply', 'disclosure-proposal', 'quarantine-released', 'quarantined', 'digestHour', 'workingDaysOnly'] as const) {
      if (typeof body[key] === 'string') values[key] = String(body[key]).slice(0, 20);
    }
    try {
      await saveNotificationPreferences(ctx.db, { userId: req.staff!.userId, preferences: parsePreferenceForm(values) });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderAccount(req, reply, 422, { notifications: { values, errors: err.fields } });
    }
    return reply.redirect('/staff/account?done=notifications#notifications', 303);
  });

  app.post<Form>('/staff/account/password', { preHandler: [auth, app.csrfProtection] }, async (req, reply) => {
    await hitRateLimit(ctx.db, idRateLimitKey('account:current-password', req.staff!.userId), CURRENT_PASSWORD_TRIES, 15 * 60);
    try {
      await changeOwnPassword(ctx.db, {
        userId: req.staff!.userId,
        currentPassword: String(req.body?.currentPassword ?? ''),
        newPassword: String(req.body?.newPassword ?? ''),
        keepSessionToken: req.cookies[sessionCookieName(ctx)],
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderAccount(req, reply, 422, { errors: err.fields });
    }
    req.log.info('staff member changed their password');
    return reply.redirect('/staff/account?done=password', 303);
  });

  /** The "used or expired" answer of both links: the same whatever the reason. */
  async function linkGone(req: FastifyRequest, reply: FastifyReply) {
    const message = new LinkNoLongerValidError().message;
    return sendHtml(reply, renderPage(<MessagePage chrome={chrome(req, reply, await staffProgram(ctx, req))} title="Link no longer valid" message={message} />), 404, { private: true });
  }

  function linkPages(purpose: StaffLinkPurpose, path: string) {
    const invitation = purpose === 'invitation';
    const render = async (req: FastifyRequest, reply: FastifyReply, status: number, token: string, account: { email: string; displayName: string }, errors: Record<string, string>) => {
      const page = (
        <SetPasswordPage
          chrome={chrome(req, reply, await staffProgram(ctx, req))}
          csrf={reply.generateCsrf()}
          action={`${path}/${token}`}
          invitation={invitation}
          email={account.email}
          displayName={account.displayName}
          errors={errors}
        />
      );
      return sendHtml(reply, renderPage(page), status, { private: true });
    };

    app.get<{ Params: { token: string } }>(`${path}/:token`, async (req, reply) => {
      const account = await findLiveLink(ctx.db, req.params.token, purpose);
      if (!account) return linkGone(req, reply);
      return render(req, reply, 200, req.params.token, account, {});
    });

    app.post<{ Params: { token: string } } & Form>(`${path}/:token`, { preHandler: app.csrfProtection }, async (req, reply) => {
      const token = req.params.token;
      const account = await findLiveLink(ctx.db, token, purpose);
      if (!account) return linkGone(req, reply);
      const password = String(req.body?.password ?? '');
      const displayName = String(req.body?.displayName ?? '').slice(0, 200);
      try {
        if (invitation) {
          const { userId } = await acceptInvitation(ctx.db, token, { displayName, password });
          req.log.info({ userId }, 'invitation accepted');
          // With password sign-in off, the new password opens no session either: sign-in goes through the provider.
          if (!localSignInAllowed(ctx.config, account.email)) return reply.redirect('/staff/login', 303);
          await startStaffSession(ctx, reply, userId);
          return reply.redirect('/staff/reports', 303);
        }
        const { userId } = await resetPasswordWithLink(ctx.db, token, password);
        req.log.info({ userId }, 'password set with a reset link');
        return reply.redirect('/staff/login?reset=done', 303);
      } catch (err) {
        if (err instanceof LinkNoLongerValidError) return linkGone(req, reply);
        if (!(err instanceof ValidationError)) throw err;
        return render(req, reply, 422, token, { email: account.email, displayName: invitation ? displayName : account.displayName }, err.fields);
      }
    });
  }
  linkPages('invitation', '/staff/invitation');
  linkPages('password-reset', '/staff/password-reset');
}
