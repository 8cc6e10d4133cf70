import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, RefusedTargetError } from './outbound-target.ts';

export interface OutboundAnswer {
  status: number;
  /** At most the first 64 KiB of the answer, as text. */
  body: string;
}

const MAX_ANSWER = 64 * 1024;

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
  return new Promise((resolve, reject) => {
    const req = client.request(target, { method: init.method, headers: init.headers, lookup: guardedLookup(init.allowPrivate) as never, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_ANSWER) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, MAX_ANSWER).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', reject);
    req.end(init.body);
  });
}
