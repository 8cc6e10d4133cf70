import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type StaffActor } from '../auth/policies.ts';
import type { AppContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { loadProgram, type Program } from '../programs/programs.ts';
import type { ProgramConfig } from '../programs/program-config.ts';
import { programBaseUrl, programSlugForHost } from '../programs/program-hosts.ts';
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

/** The instance's default program (the first in the config): what a host no program names shows. */
export async function defaultProgram(ctx: AppContext): Promise<Program> {
  const program = await loadProgram(ctx.db, { slug: ctx.defaultProgramSlug });
  if (!program) throw new NotFoundError('This program');
  return program;
}

/**
 * The program a public request is for, by the host it was sent to (src/programs/program-hosts.ts).
 * req.hostname is the Host header, or X-Forwarded-Host only when EMBARGO_TRUST_PROXY is set, so a
 * client cannot pick another program's pages by a header an untrusted proxy passed on.
 */
export async function requestProgram(ctx: AppContext, req: FastifyRequest): Promise<Program> {
  const program = await loadProgram(ctx.db, { slug: programSlugForHost(ctx.config.programs, ctx.defaultProgramSlug, req.hostname) });
  if (!program) throw new NotFoundError('This program');
  return program;
}

/** The public base URL of the program (its own host name): links in pages, feeds and mail. */
export function publicBaseUrl(ctx: AppContext, program: Program): string {
  return programBaseUrl(ctx.config.baseUrl, program);
}

/**
 * The program a staff page is about: ?program=<slug> when the member has a role there, else the
 * program of the host the page was asked on, else the first program they have a role in. Pages
 * that list several programs (inbox, due, metrics) filter by role themselves; this one is for the
 * pages that are about one program (policy, canned responses, the inbox's product and staff filters).
 */
export async function staffProgram(ctx: AppContext, req: FastifyRequest): Promise<Program> {
  const staff = req.staff;
  // The switcher's link (?program=) or a form's hidden field: a POST acts on the program its page showed.
  const asked = (req.query as Record<string, unknown> | undefined)?.program ?? (req.body as Record<string, unknown> | undefined)?.program;
  const candidates = [
    typeof asked === 'string' ? asked : undefined,
    programSlugForHost(ctx.config.programs, ctx.defaultProgramSlug, req.hostname),
  ];
  for (const slug of candidates) {
    if (!slug) continue;
    const program = await loadProgram(ctx.db, { slug });
    if (program && (!staff || staff.roles.has(program.id))) return program;
  }
  const firstId = staff ? [...staff.roles.keys()][0] : undefined;
  const first = firstId ? await loadProgram(ctx.db, { id: firstId }) : undefined;
  return first ?? (await requestProgram(ctx, req));
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

/** The programs a staff member has a role in, by name, for the program switcher. */
export async function staffProgramChoices(ctx: AppContext, req: FastifyRequest): Promise<{ slug: string; name: string }[]> {
  const ids = new Set(req.staff ? req.staff.roles.keys() : []);
  const rows = await ctx.db.selectFrom('programs').select(['id', 'slug', 'name']).orderBy('slug').execute();
  return rows.filter((r) => ids.has(r.id)).map((r) => ({ slug: r.slug, name: r.name }));
}
