import { randomBytes } from 'node:crypto';

/** What a reporter typed; `title` is unique per submission so a re-rendered form can be recognised. */
export function reportFields(policyVersion: string, title: string, descriptionBytes = 0): Record<string, string> {
  return {
    title,
    product: 'example-cloud',
    productVersion: '4.2.1',
    vulnerabilityType: 'xss',
    description: `The display name is rendered without escaping in /admin/users (${randomBytes(6).toString('hex')}).${descriptionBytes ? `\n\nHTTP log:\n${randomBytes(Math.ceil(descriptionBytes * 0.75)).toString('base64')}` : ''}`,
    stepsToReproduce: '1. Set display name to <script>alert(1)</script>\n2. Open /admin/users',
    impact: 'Session theft of administrators.',
    reporterName: '',
    reporterHandle: '',
    reporterEmail: '',
    creditPreference: 'anonymous',
    acceptPolicy: 'yes',
    policyVersion,
  };
}

export interface Answer {
  status: number;
  /** The tracking path of a 303. */
  location?: string;
  retryAfter?: string | null;
  /** 503 only: did the page carry back what was typed? */
  keptInput?: boolean;
  ms: number;
}

let addressCounter = 0;

/**
 * One reporter's submission through the public form, as a browser without
 * JavaScript sends it: GET /report for the CSRF cookie and token, then a
 * multipart POST. Each submission comes from its own address
 * (X-Forwarded-For, with EMBARGO_TRUST_PROXY=true) so the hourly
 * submission limit does not end the load early.
 */
export async function submitOnce(baseUrl: string, timeoutMs = 20_000, descriptionBytes = 0): Promise<{ form: Answer; post?: Answer }> {
  const ip = `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter++ & 255}`;
  const started = Date.now();
  const page = await fetch(`${baseUrl}/report`, { headers: { 'x-forwarded-for': ip }, signal: AbortSignal.timeout(timeoutMs) });
  const html = await page.text();
  const form: Answer = { status: page.status, retryAfter: page.headers.get('retry-after'), ms: Date.now() - started };
  if (page.status !== 200) return { form };
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const policyVersion = /name="policyVersion" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf || !policyVersion) throw new Error('the report form has no CSRF token or policy version');
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const title = `Stored XSS number ${randomBytes(8).toString('hex')}`;
  const body = new FormData();
  for (const [k, v] of Object.entries({ _csrf: csrf, ...reportFields(policyVersion, title, descriptionBytes) })) body.append(k, v);
  const postStarted = Date.now();
  const res = await fetch(`${baseUrl}/report`, { method: 'POST', body, redirect: 'manual', headers: { cookie, 'x-forwarded-for': ip }, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  const post: Answer = { status: res.status, retryAfter: res.headers.get('retry-after'), ms: Date.now() - postStarted };
  if (res.status === 303) post.location = res.headers.get('location') ?? undefined;
  if (res.status === 503) post.keptInput = text.includes(title) && text.includes('Session theft of administrators.');
  return { form, post };
}

export interface Load {
  /** Every answer to a form POST, in order. */
  posts: Answer[];
  /** Answers to GET /report that were not 200. */
  refusedForms: Answer[];
  /** Requests that failed without an HTTP answer (connection refused, reset, timeout). */
  failures: string[];
  /** Count of 303s so far. */
  stored(): number;
  /** Resolves once `n` more submissions have been answered 303. */
  waitForStored(n: number, timeoutMs: number): Promise<void>;
  /** Stops the submitters and waits for them. */
  stop(): Promise<void>;
}

/** `concurrency` reporters submitting back to back until stop(); 50 ms pause after an answer that was not 303. */
export function startLoad(baseUrl: string, concurrency: number, options: { timeoutMs?: number; descriptionBytes?: number } = {}): Load {
  const posts: Answer[] = [];
  const refusedForms: Answer[] = [];
  const failures: string[] = [];
  let stopped = false;
  const stored = () => posts.filter((p) => p.status === 303).length;
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stopped) {
      try {
        const { form, post } = await submitOnce(baseUrl, options.timeoutMs, options.descriptionBytes);
        if (post) posts.push(post);
        else refusedForms.push(form);
        if (post?.status !== 303) await new Promise((r) => setTimeout(r, 50));
      } catch (err) {
        failures.push(String((err as Error).cause ?? (err as Error).message));
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
  return {
    posts,
    refusedForms,
    failures,
    stored,
    async waitForStored(n, timeoutMs) {
      const target = stored() + n;
      const deadline = Date.now() + timeoutMs;
      while (stored() < target) {
        if (Date.now() > deadline) throw new Error(`only ${stored()} of ${target} submissions stored within ${timeoutMs} ms; answers: ${JSON.stringify(summary(posts))}, failures: ${failures.slice(-3).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** { status: count } of a list of answers, for assertion messages. */
export function summary(answers: readonly Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}
