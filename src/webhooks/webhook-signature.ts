import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new signing secret in the Standard Webhooks format: whsec_ and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/**
 * The Standard Webhooks headers for one attempt: the HMAC-SHA256 of
 * `id.timestamp.body` under the secret's bytes, as `v1,<base64>`. The
 * timestamp is the attempt's (receivers refuse old ones), in seconds.
 */
export function signWebhook(secret: string, msgId: string, at: Date, body: string): Record<string, string> {
  if (!secret.startsWith(PREFIX)) throw new Error('signWebhook: not a whsec_ secret');
  const timestamp = Math.floor(at.getTime() / 1000).toString();
  const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
  const signature = createHmac('sha256', key).update(`${msgId}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': msgId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
