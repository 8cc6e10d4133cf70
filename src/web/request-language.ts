import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { negotiateLanguage } from '../i18n/accept-language.ts';
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language } from '../i18n/languages.ts';
import type { ProgramConfig } from '../programs/program-config.ts';

/** The visitor's own choice, made with a language link; a preference, not a secret. */
export const LANGUAGE_COOKIE = 'embargo_lang';
const YEAR_SECONDS = 365 * 24 * 60 * 60;

/** The languages a program offers and its default; a config from before languages existed offers English only by default. */
export function programLanguages(config: Pick<ProgramConfig, 'languages'> | undefined): { offered: readonly Language[]; default: Language } {
  return config?.languages ?? { offered: LANGUAGES, default: DEFAULT_LANGUAGE };
}

/**
 * The language of a public page: the visitor's choice (cookie) when the program
 * offers it, else the best of Accept-Language, else the program's default.
 * Staff pages stay English (docs/languages.md).
 */
export function requestLanguage(req: FastifyRequest, config: Pick<ProgramConfig, 'languages'> | undefined): Language {
  const path = req.url.split('?')[0] ?? '/';
  if (req.staff || path === '/staff' || path.startsWith('/staff/')) return DEFAULT_LANGUAGE;
  const { offered, default: fallback } = programLanguages(config);
  const chosen = req.cookies?.[LANGUAGE_COOKIE];
  if (isLanguage(chosen) && offered.includes(chosen)) return chosen;
  return negotiateLanguage(req.headers['accept-language'], offered) ?? fallback;
}

/** Says that the page's language depends on these request headers, so caches keep one copy per language. */
export function varyByLanguage(reply: FastifyReply): void {
  const existing = String(reply.getHeader('vary') ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  for (const h of ['Accept-Language', 'Cookie']) if (!existing.some((v) => v.toLowerCase() === h.toLowerCase())) existing.push(h);
  reply.header('vary', existing.join(', '));
}

/** The current page's address with ?lang= set: the language links keep the page and its other parameters. */
export function languageHref(url: string, language: Language): string {
  const [path, query] = url.split('?', 2) as [string, string | undefined];
  const params = new URLSearchParams(query ?? '');
  params.set('lang', language);
  return `${path}?${params.toString()}`;
}

/**
 * A language link (`?lang=sv` on any public GET) stores the choice in a cookie
 * and answers with a redirect to the same address without the parameter: it
 * works without JavaScript, changes nothing but a preference (so it needs no
 * CSRF token), and leaves one address per page.
 */
export function registerLanguageChoice(app: FastifyInstance, secureCookies: boolean): void {
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return;
    const [path, query] = req.url.split('?', 2) as [string, string | undefined];
    if (!query || path.startsWith('/api/') || path.startsWith('/static/')) return;
    const params = new URLSearchParams(query);
    const wanted = params.get('lang');
    if (wanted === null) return;
    params.delete('lang');
    if (isLanguage(wanted)) {
      reply.setCookie(LANGUAGE_COOKIE, wanted, { path: '/', sameSite: 'lax', httpOnly: true, secure: secureCookies, maxAge: YEAR_SECONDS });
    }
    const rest = params.toString();
    // Same site, same path: never an open redirect ("//evil" cannot come from a path that Fastify routed here).
    const target = `/${path.replace(/^\/+/, '')}${rest ? `?${rest}` : ''}`;
    return reply.header('cache-control', 'no-store').redirect(target, 303);
  });
}
