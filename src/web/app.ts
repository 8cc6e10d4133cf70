import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerApiRoutes } from '../api/api-routes.tsx';
import { recordRoutes } from './route-table.ts';
import type { AppContext } from '../context.ts';
import { activeKeyInfo } from '../keys/program-keys.ts';
import { registerClientBundles } from './client-bundles.ts';
import { registerAdvisoryRoutes } from './routes/advisories.tsx';
import { registerStaffAdvisoryRoutes } from './routes/staff-advisories.tsx';
import { registerSubscriptionRoutes } from './routes/subscriptions.tsx';
import { registerReporterPrivacyRoutes } from './routes/reporter-privacy.tsx';
import { registerErrorHandling } from './error-handler.tsx';
import { registerLanguageChoice } from './request-language.ts';
import { registerControlCharacterGuard } from './refuse-control-characters.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerReadinessRoute } from './routes/readiness.ts';
import { observeRequests } from './request-observer.ts';
import { lazySchemaCompilers } from './schema-compilers.ts';
import { registerPublicRoutes } from './routes/public.tsx';
import { registerReportFormRoutes } from './routes/report-form.tsx';
import { registerStaffAuthRoutes } from './routes/staff-auth.tsx';
import { registerStaffSecondFactorRoutes } from './routes/staff-second-factor.tsx';
import { registerStaffSsoRoutes } from './routes/staff-sso.tsx';
import { registerStaffPasskeyRoutes } from './routes/staff-passkeys.tsx';
import { registerStaffCannedRoutes } from './routes/staff-canned.tsx';
import { registerStaffBulkRoutes } from './routes/staff-bulk.tsx';
import { registerStaffQuarantineRoutes } from './routes/staff-quarantine.tsx';
import { registerStaffCraIncidentRoutes } from './routes/staff-cra-incident.tsx';
import { registerStaffDueRoutes } from './routes/staff-due.tsx';
import { registerStaffInboxRoutes } from './routes/staff-inbox.tsx';
import { registerStaffMetricsRoutes } from './routes/staff-metrics.tsx';
import { registerStaffPolicyRoutes } from './routes/staff-policy.tsx';
import { registerStaffReportRoutes } from './routes/staff-report.tsx';
import { registerStaffMailEvidenceRoutes } from './routes/staff-mail-evidence.ts';
import { registerStaffDuplicateHintRoutes } from './routes/staff-duplicate-hints.ts';
import { registerStaffDeliveryRoutes } from './routes/staff-deliveries.tsx';
import { registerStaffTeamRoutes } from './routes/staff-team.tsx';
import { registerStaffBlockRoutes } from './routes/staff-blocks.tsx';
import { registerStaffAccountRoutes } from './routes/staff-account.tsx';
import { registerTrackRoutes } from './routes/track.tsx';
import { registerPartyRoutes } from './routes/party.tsx';
import { registerTrackRecoverRoutes } from './routes/track-recover.tsx';
import { registerWellKnownRoutes } from './routes/well-known.ts';
import { useAuditSecret } from '../audit/audit-keys.ts';
import { registerStaffAuditRoutes } from './routes/staff-audit.tsx';
import { registerStaffApprovalRoutes } from './routes/staff-approvals.tsx';
import { registerStaffWebhookRoutes } from './routes/staff-webhooks.tsx';
import { registerStaffTrackerRoutes } from './routes/staff-trackers.tsx';

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public');

/** Builds the web application: security headers, parsers, CSRF, routes. Does not listen. */
export async function createApp(ctx: AppContext): Promise<FastifyInstance> {
  useAuditSecret(ctx.secret); // the audit log's chain key (src/audit/audit-keys.ts)
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    trustProxy: ctx.config.http.trustProxy,
    bodyLimit: 1024 * 1024,
    // One debug line per request instead (src/web/request-observer.ts): method, redacted URL, status; never bodies.
    logController: new LogController({ disableRequestLogging: true }),
    schemaController: { compilersFactory: lazySchemaCompilers },
  });
  observeRequests(app, ctx.metrics);
  recordRoutes(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        // The account page's "link to single sign-on" form is answered with a redirect to the provider.
        formAction: ["'self'", ...(ctx.config.sso ? [ctx.config.sso.issuer.origin] : [])],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        ...(ctx.config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: ctx.config.secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  registerLanguageChoice(app, ctx.config.secureCookies);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: ctx.config.secureCookies ? '__Host-embargo_csrf' : 'embargo_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: ctx.config.secureCookies },
    getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf ?? (req.headers['x-csrf-token'] as string | undefined),
  });
  shareCsrfSecretWithinRequest(app, ctx.config.secureCookies ? '__Host-embargo_csrf' : 'embargo_csrf');
  await app.register(formbody);
  await app.register(multipart);
  await app.register(fastifyStatic, {
    root: publicDir,
    prefix: '/static/',
    maxAge: '1h',
    index: false,
  });

  registerErrorHandling(app, ctx);
  registerControlCharacterGuard(app);
  registerHealthRoutes(app, ctx);
  registerReadinessRoute(app, ctx);
  registerWellKnownRoutes(app, ctx);
  registerPublicRoutes(app, ctx, (programId) => activeKeyInfo(ctx.db, programId));
  registerAdvisoryRoutes(app, ctx);
  const bundles = await registerClientBundles(app);
  registerReportFormRoutes(app, ctx, bundles);
  registerTrackRecoverRoutes(app, ctx);
  registerTrackRoutes(app, ctx);
  registerPartyRoutes(app, ctx);
  registerStaffAuthRoutes(app, ctx);
  registerStaffSecondFactorRoutes(app, ctx);
  registerStaffSsoRoutes(app, ctx);
  registerStaffPasskeyRoutes(app, ctx);
  registerStaffInboxRoutes(app, ctx);
  registerStaffDueRoutes(app, ctx);
  registerStaffCraIncidentRoutes(app, ctx);
  registerStaffQuarantineRoutes(app, ctx);
  registerStaffBulkRoutes(app, ctx);
  registerStaffReportRoutes(app, ctx, bundles);
  registerStaffMailEvidenceRoutes(app, ctx);
  registerStaffDuplicateHintRoutes(app, ctx);
  registerStaffDeliveryRoutes(app, ctx);
  registerStaffTeamRoutes(app, ctx);
  registerStaffBlockRoutes(app, ctx);
  registerStaffAuditRoutes(app, ctx);
  registerStaffApprovalRoutes(app, ctx);
  registerStaffWebhookRoutes(app, ctx);
  registerStaffTrackerRoutes(app, ctx);
  registerStaffAccountRoutes(app, ctx);
  registerStaffPolicyRoutes(app, ctx);
  registerStaffMetricsRoutes(app, ctx);
  registerStaffCannedRoutes(app, ctx);
  registerStaffAdvisoryRoutes(app, ctx);
  registerSubscriptionRoutes(app, ctx);
  registerReporterPrivacyRoutes(app, ctx);
  registerApiRoutes(app, ctx);
  return app;
}

/**
 * On a visit without the CSRF cookie, @fastify/csrf-protection makes a new secret at every
 * generateCsrf() call, and the cookie set last wins: a page that makes several tokens (the
 * layout's sign-out form, the page's own forms) would hand out tokens that the next request
 * refuses. The first secret made is put where later calls in the same request read it.
 */
function shareCsrfSecretWithinRequest(app: FastifyInstance, cookieKey: string): void {
  app.addHook('onRequest', async (req, reply) => {
    if (req.cookies[cookieKey]) return;
    const setCookie = reply.setCookie.bind(reply);
    reply.setCookie = (name, value, options) => {
      if (name === cookieKey) req.cookies[cookieKey] = value;
      return setCookie(name, value, options);
    };
  });
}
