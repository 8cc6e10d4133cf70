import type { ProgramConfig } from './program-config.ts';

/**
 * Which program a public request is for, and where each program lives. Pure:
 * the web layer passes the request's host name (Fastify's req.hostname, which
 * reads X-Forwarded-Host only when EMBARGO_TRUST_PROXY is set).
 */

/** A host name as configured and compared: lower case, without a trailing dot or a port. */
export function normalizeHostname(host: string): string {
  const bare = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return bare.trim().toLowerCase().replace(/\.$/, '');
}

/** The slug of the program whose hostnames include `host`; the default program's for any other host. */
export function programSlugForHost(programs: readonly Pick<ProgramConfig, 'slug' | 'hostnames'>[], defaultSlug: string, host: string | undefined): string {
  const wanted = host === undefined ? '' : normalizeHostname(host);
  return programs.find((p) => p.hostnames.includes(wanted))?.slug ?? defaultSlug;
}

/**
 * The program's public base URL: its first host name with the scheme and port of the
 * instance's URL (EMBARGO_BASE_URL), or the instance's URL when it names no host. Links in
 * reporter and subscriber mail, security.txt, feeds and CSAF documents start with it; staff
 * pages and staff mail stay on the instance's URL (sessions, passkeys and SSO are bound to it).
 */
export function programBaseUrl(instanceBaseUrl: string, program: { config: Pick<ProgramConfig, 'hostnames'> }): string {
  const host = program.config.hostnames[0];
  if (!host) return instanceBaseUrl;
  const url = new URL(instanceBaseUrl);
  return `${url.protocol}//${host}${url.port ? `:${url.port}` : ''}`;
}

/** Host names named by more than one program: each must belong to one program only. */
export function duplicateHostnames(programs: readonly Pick<ProgramConfig, 'slug' | 'hostnames'>[]): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const p of programs) {
    for (const h of new Set(p.hostnames)) {
      const other = seen.get(h);
      if (other) problems.push(`host name ${h} is named by programs ${other} and ${p.slug}`);
      else seen.set(h, p.slug);
    }
  }
  return problems;
}
