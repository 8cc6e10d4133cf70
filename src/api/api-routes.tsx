import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { chrome, defaultProgram, sendHtml } from '../web/page-context.ts';
import { renderPage } from '../web/views/layout.tsx';
import { mountEndpoint, schemaEnv, type AnyEndpoint } from './endpoint.ts';
import { ApiDocsPage } from './openapi/api-docs-page.tsx';
import { buildOpenApiDocument } from './openapi/openapi-document.ts';
import { getAttachmentEndpoint } from './reports/get-attachment.ts';
import { getReportEndpoint } from './reports/get-report.ts';
import { listReportsEndpoint } from './reports/list-reports.ts';
import { listMessagesEndpoint, postMessageEndpoint } from './reports/messages.ts';
import { postReportEndpoint } from './reports/post-report.ts';
import { assignEndpoint, changeStateEndpoint, setSeverityEndpoint } from './reports/report-changes.ts';
import { proposeDisclosureDateEndpoint } from './reports/disclosure-date.ts';
import { registerStaffTokenRoutes } from './tokens/staff-tokens-routes.tsx';

/** Every /api/v1 endpoint, in the order the documentation lists them. */
export function apiEndpoints(ctx: AppContext): AnyEndpoint[] {
  return [
    postReportEndpoint(ctx),
    listReportsEndpoint(ctx),
    getReportEndpoint(ctx),
    listMessagesEndpoint(ctx),
    postMessageEndpoint(ctx),
    changeStateEndpoint(ctx),
    assignEndpoint(ctx),
    setSeverityEndpoint(ctx),
    proposeDisclosureDateEndpoint(ctx),
    getAttachmentEndpoint(ctx),
  ];
}

/**
 * The JSON API (bearer tokens, no cookies, hence no CSRF), its documentation,
 * and the staff page that manages its tokens.
 */
export function registerApiRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('apiPrincipal', null);
  const endpoints = apiEndpoints(ctx);
  for (const endpoint of endpoints) mountEndpoint(app, ctx, endpoint);

  // Documented with the default program's products and policy version; other programs differ only there.
  const document = async () => buildOpenApiDocument(endpoints, schemaEnv(await defaultProgram(ctx), ctx.config.uploads), ctx.config.baseUrl);

  app.get('/api/openapi.json', async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return document();
  });

  app.get('/api/docs', async (req, reply) => {
    const page = <ApiDocsPage chrome={chrome(req, reply, await defaultProgram(ctx))} document={await document()} />;
    return sendHtml(reply, renderPage(page), 200);
  });

  app.get('/api', async (_req, reply) => reply.redirect('/api/docs', 302));

  registerStaffTokenRoutes(app, ctx);
}
