import { inspect } from 'node:util';
import type { Role } from '../../db/schema.ts';

/**
 * A value that must never reach a log or an error page (the OIDC client secret):
 * JSON, string conversion and util.inspect all show "[redacted]"; `reveal()` gives the value.
 */
export class RedactedValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

/** One line of EMBARGO_OIDC_ROLE_MAP: members of `group` get `role` in one program (by slug) or in all. */
export interface RoleMapping {
  group: string;
  role: Role;
  /** Program slug; undefined: every program. */
  program: string | undefined;
}

/** Single sign-on through an OpenID Connect provider (EMBARGO_OIDC_*). */
export interface SsoConfig {
  issuer: URL;
  clientId: string;
  clientSecret: RedactedValue;
  /** Space-separated scopes asked for; always includes openid. */
  scopes: string;
  /** The claim holding the person's groups (a list of strings, or one string). */
  groupsClaim: string;
  /** Group → role mapping; undefined: sign-in through the provider leaves roles as they are in Embargo. */
  roleMap: RoleMapping[] | undefined;
  /** Create an account at the first sign-in of someone whose groups map to a role. */
  createAccounts: boolean;
  /** Link an identity to the existing account with the same e-mail when the provider says it verified that e-mail. */
  linkVerifiedEmail: boolean;
  /** The button's words: "Sign in with <label>". */
  label: string;
}

const ROLE_RANK: Record<Role, number> = { viewer: 1, triager: 2, lead: 3, admin: 4 };
const ROLES = Object.keys(ROLE_RANK) as Role[];

/**
 * Parses EMBARGO_OIDC_ROLE_MAP: entries `group=role` (every program) or `group=program-slug:role`,
 * separated by semicolons or new lines (or by commas when neither appears, for short maps).
 * Returns the mappings, or the problems found.
 */
export function parseRoleMap(value: string, knownSlugs: readonly string[]): { ok: true; map: RoleMapping[] } | { ok: false; problems: string[] } {
  const separator = /[;\n]/.test(value) ? /[;\n]/ : /,/;
  const entries = value.split(separator).map((e) => e.trim()).filter(Boolean);
  const map: RoleMapping[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const eq = entry.lastIndexOf('=');
    const group = eq > 0 ? entry.slice(0, eq).trim() : '';
    const target = eq > 0 ? entry.slice(eq + 1).trim() : '';
    const colon = target.lastIndexOf(':');
    const program = colon >= 0 ? target.slice(0, colon).trim() : undefined;
    const role = (colon >= 0 ? target.slice(colon + 1) : target).trim() as Role;
    if (!group || !target) problems.push(`"${entry}" is not group=role or group=program:role`);
    else if (!ROLES.includes(role)) problems.push(`"${entry}": the role must be admin, lead, triager or viewer`);
    else if (program !== undefined && !knownSlugs.includes(program)) problems.push(`"${entry}": no program with the slug "${program}"`);
    else map.push({ group, role, program });
  }
  if (!map.length && !problems.length) problems.push('names no group');
  return problems.length ? { ok: false, problems } : { ok: true, map };
}

/** The groups in a claim's value: a list of strings, or a single string. */
export function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}

/** The role per program id that a person's groups give: the highest of their mapped groups in each program. */
export function rolesFromGroups(map: readonly RoleMapping[], groups: readonly string[], programs: readonly { id: string; slug: string }[]): Map<string, Role> {
  const roles = new Map<string, Role>();
  const member = new Set(groups);
  for (const m of map) {
    if (!member.has(m.group)) continue;
    for (const p of programs) {
      if (m.program !== undefined && m.program !== p.slug) continue;
      const current = roles.get(p.id);
      if (!current || ROLE_RANK[m.role] > ROLE_RANK[current]) roles.set(p.id, m.role);
    }
  }
  return roles;
}
