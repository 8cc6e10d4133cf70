import type { ApiScope } from '../../db/schema.ts';

export type { ApiScope };

/** Every scope a token can carry, in the order pages and help text list them. */
export const API_SCOPES = ['reports:submit', 'reports:read', 'reports:write'] as const satisfies readonly ApiScope[];

/** What each scope allows, as the staff page and `embargo token` explain it. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<ApiScope, string>> = {
  'reports:submit': 'Create reports (e.g. forwarded from another platform)',
  'reports:read': 'Read reports, their threads including internal notes, attachments and reporter contact',
  'reports:write': 'Reply to reporters, add internal notes, change state, assignee and severity',
};

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === 'string' && (API_SCOPES as readonly string[]).includes(value);
}
