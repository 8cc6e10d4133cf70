import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { AppContext } from '../context.ts';
import { ForbiddenError } from '../errors.ts';
import { hitRateLimit, idRateLimitKey, type RateLimitKey } from '../web/rate-limit.ts';
import { UnauthorizedError, UnsupportedMediaTypeError } from './api-errors.ts';
import { authenticateApiToken, type ApiPrincipal } from './tokens/api-tokens.ts';
import type { ApiScope } from './tokens/token-scopes.ts';
import { createTokenUseRecorder } from '../audit/token-use.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by authenticateApi on /api/v1 routes. */
    apiPrincipal: ApiPrincipal | null;
  }
}

/** Requests per token and window: room for a sync job, a wall for a runaway loop. */
export const API_RATE_LIMIT = { max: 300, windowSeconds: 60 } as const;

export function apiRateLimitKey(tokenId: string): RateLimitKey {
  return idRateLimitKey('api:token', tokenId);
}

const REASONS = {
  missing: 'Send an API token: Authorization: Bearer emb_…',
  malformed: 'This is not an Embargo API token.',
  unknown: 'This API token is not valid.',
  revoked: 'This API token has been revoked.',
  'creator-deactivated': 'The account that created this API token is deactivated; an administrator can create a new token.',
} as const;

/**
 * onRequest hook (so it runs before the body is read: nobody without a valid
 * token gets a large upload parsed). Cookies are ignored on purpose: the API
 * authenticates with bearer tokens only, which is also why CSRF does not apply.
 */
export function authenticateApi(ctx: AppContext): onRequestAsyncHookHandler {
  const recordTokenUse = createTokenUseRecorder(ctx.db);
  return async function (req: FastifyRequest, reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    const header = req.headers.authorization ?? '';
    const match = /^Bearer +(\S+) *$/i.exec(header);
    const failure = (reason: keyof typeof REASONS) => {
      reply.header('www-authenticate', reason === 'missing' ? 'Bearer realm="embargo"' : 'Bearer realm="embargo", error="invalid_token"');
      return new UnauthorizedError(REASONS[reason]);
    };
    if (!match) throw failure('missing');
    const result = await authenticateApiToken(ctx.db, match[1]!);
    if (!result.ok) throw failure(result.reason);
    req.apiPrincipal = result.principal;
    await hitRateLimit(ctx.db, apiRateLimitKey(result.principal.tokenId), API_RATE_LIMIT.max, API_RATE_LIMIT.windowSeconds);
    await recordTokenUse(result.principal.tokenId, `${req.method} ${req.routeOptions.url ?? 'unknown'}`);
  };
}

/** The token must hold one of `scopes`; the message names them so the admin knows what to grant. */
export function requireScope(scopes: readonly ApiScope[]): onRequestAsyncHookHandler {
  return async function (req: FastifyRequest) {
    const held = req.apiPrincipal!.scopes;
    if (!scopes.some((s) => held.has(s))) {
      throw new ForbiddenError(`This token lacks the scope this needs: ${scopes.join(' or ')}.`);
    }
  };
}

/** Bodies are JSON only: form and multipart parsers exist for the web pages, not for the API. */
export function requireJsonBody(): onRequestAsyncHookHandler {
  return async function (req: FastifyRequest) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') throw new UnsupportedMediaTypeError();
  };
}
