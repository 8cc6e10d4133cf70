import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type StaffActor } from '../auth/policies.ts';
import type { AppContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { loadProgram, type Program } from '../programs/programs.ts';
import type { ProgramConfig } from '../programs/program-config.ts';
import type { PageChrome } from './views/layout.tsx';
import { LANGUAGE_NAMES } from '../i18n/languages.ts';
import { translator } from '../i18n/translator.ts';
import { languageHref, programLanguages, requestLanguage, varyByLanguage } from './request-language.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by requireStaff on staff routes. */
    staff?: StaffActor;
  }
}

/** The header and navigation data every page needs. */
export function chrome(req: FastifyRequest, reply: FastifyReply, program: { id?: string; config: ProgramConfig } | undefined): PageChrome {
  const path = req.url.split('?')[0] ?? '/';
  const language = requestLanguage(req, program?.config);
  const t = translator(language);
  // Public pages differ by the visitor's language (src/web/request-language.ts).
  const offered = req.staff || path.startsWith('/staff') ? [] : programLanguages(program?.config).offered;
  if (offered.length > 0) {
    varyByLanguage(reply);
    reply.header('content-language', language);
  }
  return {
    siteName: program?.config.vendor ? t.t('layout.siteName', { vendor: program.config.vendor }) : 'Embargo',
    path,
    t,
    timeZone: program?.config.calendar?.timeZone ?? 'UTC',
    languages: offered.length > 1 ? offered.map((l) => ({ language: l, name: LANGUAGE_NAMES[l], href: languageHref(req.url, l), current: l === language })) : [],
    thanksPage: program?.config.thanksPage ?? false,
    secure: isSecureRequest(req),
    ...(req.staff
      ? { staff: { displayName: req.staff.displayName, csrf: reply.generateCsrf(), canEditPolicy: program?.id ? can.editPolicy(req.staff, program.id) : false, canViewSubscribers: [...req.staff.roles.keys()].some((id) => can.viewSubscribers(req.staff!, id)), canOperateJobs: can.operateJobs(req.staff), canViewTeam: can.viewTeam(req.staff) } }
      : {}),
  };
}

/**
 * Whether the request reached us over https: directly over TLS, or, when
 * EMBARGO_TRUST_PROXY is set, as the proxy's X-Forwarded-Proto says (Fastify's
 * trustProxy decides which; an untrusted client's header is ignored).
 */
export function isSecureRequest(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

/** The program the public pages show. */
export async function defaultProgram(ctx: AppContext): Promise<Program> {
  const program = await loadProgram(ctx.db, { slug: ctx.defaultProgramSlug });
  if (!program) throw new NotFoundError('This program');
  return program;
}

/** Sends a rendered page; pages that show private data are never cached. */
export function sendHtml(reply: FastifyReply, html: string, status = 200, options: { private?: boolean } = {}): FastifyReply {
  reply.code(status).type('text/html; charset=utf-8');
  if (options.private) reply.header('cache-control', 'no-store');
  return reply.send(html);
}

/**
 * CSRF check for forms whose body we parse inside the handler (multipart):
 * the plugin's hook reads the token from request.body, so set it first.
 * On a bad or missing token the plugin answers by itself (reply.send(error))
 * and never calls back; it gets a reply whose send rejects instead, so the
 * caller stops reading the body and the error reaches the error handler.
 */
export function verifyCsrf(app: { csrfProtection: (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void }, req: FastifyRequest, reply: FastifyReply, token: string | undefined): Promise<void> {
  req.body = { _csrf: token };
  return new Promise((resolve, reject) => {
    const refusing: FastifyReply = Object.create(reply, {
      send: {
        value: (err: unknown) => {
          reject(err);
          return refusing;
        },
      },
    });
    app.csrfProtection(req, refusing, (err?: Error) => (err ? reject(err) : resolve()));
  });
}
