import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, RefusedTargetError } from './outbound-target.ts';

export interface OutboundAnswer {
  status: number;
  headers: Record<string, string>;
  /** At most the first 1 MiB of the answer, as text. */
  body: string;
}

const MAX_ANSWER = 1024 * 1024;

/**
 * One HTTP request to an admin-chosen URL: private addresses refused at
 * connection time unless allowed, no redirects followed, a hard timeout, and
 * only the start of the answer read. Throws on a network failure or timeout.
 */
export function outboundRequest(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; allowPrivate: boolean; timeoutMs?: number },
): Promise<OutboundAnswer> {
  const target = new URL(url);
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (!init.allowPrivate && isIP(literal) && isPrivateAddress(literal)) {
    return Promise.reject(new RefusedTargetError(`refused: ${literal} is a private or reserved address`));
  }
  if (target.protocol !== 'https:' && !(init.allowPrivate && target.protocol === 'http:')) {
    return Promise.reject(new RefusedTargetError('refused: only https is allowed'));
  }
  const client = target.protocol === 'https:' ? https : http;
  const timeoutMs = init.timeoutMs ?? 10_000;
  const headers = { ...init.headers };
  delete headers['accept-encoding']; // answers are read as they come, not decompressed
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  return new Promise((resolve, reject) => {
    const req = client.request(target, { method: init.method, headers, lookup: guardedLookup(init.allowPrivate) as never, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_ANSWER) chunks.push(chunk);
        size += chunk.length;
      });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).subarray(0, MAX_ANSWER).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * A `fetch` for API clients (Octokit) that goes through outboundRequest, so
 * the same SSRF rules and timeout apply. Text bodies only: enough for JSON APIs.
 */
export function guardedFetch(allowPrivate: boolean): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((v, k) => (headers[k] = v));
    const body = typeof init?.body === 'string' ? init.body : init?.body == null ? undefined : String(init.body);
    const answer = await outboundRequest(url, { method: init?.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}), allowPrivate });
    const empty = answer.status === 204 || answer.status === 304;
    return new Response(empty ? null : answer.body, { status: answer.status, headers: answer.headers });
  }) as typeof fetch;
}
