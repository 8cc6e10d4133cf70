import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { createApp } from '../../src/web/app.ts';
import { createLogger } from '../../src/logger.ts';
import { syncPrograms } from '../../src/programs/programs.ts';
import { ReportVault } from '../../src/crypto/report-vault.ts';
import { testSecret } from './factories.ts';
import { freshDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';
import { allowedToSkip } from './peers.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  /** Everything the app logged, as text, to check nothing secret reaches the log. */
  logText(): string;
  close(): Promise<void>;
}

/**
 * The database HTTP-level tests run on when they do not choose: PostgreSQL, the code path of both
 * the embedded default (a PostgreSQL server Embargo runs itself) and an external PostgreSQL. PGlite
 * (the in-process engine, not durable, kept for trying things out) keeps the database-level tests'
 * databaseKinds() loops and its own engine tests; EMBARGO_TEST_APP_DATABASE=pglite runs the HTTP-level files on it instead, and a run
 * that may skip PostgreSQL (EMBARGO_TEST_SKIP=postgres) falls back to it.
 */
export function defaultAppDatabase(): DatabaseKind {
  const kind = process.env.EMBARGO_TEST_APP_DATABASE ?? (allowedToSkip().has('postgres') ? 'pglite' : 'postgres');
  if (kind !== 'pglite' && kind !== 'postgres') throw new Error(`EMBARGO_TEST_APP_DATABASE must be pglite or postgres, not ${kind}`);
  return kind;
}

/** The real web app on a fresh database, driven with fastify.inject (no port). */
export async function startTestApp(
  kind: DatabaseKind = defaultAppDatabase(),
  env: Record<string, string> = {},
  /** Extra routes a test needs (e.g. one that fails on purpose), added before the app is ready. */
  extraRoutes?: (app: FastifyInstance) => void,
): Promise<TestApp> {
  const t: TestDatabase = await freshDatabase(kind);
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({ EMBARGO_MAX_ATTACHMENTS: '2', EMBARGO_MAX_ATTACHMENT_BYTES: '4096', ...env });
  await syncPrograms(t.db, config.programs); // EMBARGO_CONFIG may name other programs than the demo
  const secret = config.instanceSecret ?? testSecret;
  const ctx: AppContext = {
    config,
    db: t.db,
    logger: createLogger(config.logLevel, sink as unknown as pino.DestinationStream),
    mailer: undefined,
    defaultProgramSlug: config.programs[0]!.slug,
    secret,
    vault: new ReportVault(secret),
  };
  const app = await createApp(ctx);
  extraRoutes?.(app);
  await app.ready();
  return {
    app,
    ctx,
    logText: () => chunks.join(''),
    async close() {
      await app.close();
      await t.close();
    },
  };
}

type Resp = Awaited<ReturnType<FastifyInstance['inject']>>;

/** A browser-like client for inject(): keeps cookies, finds CSRF tokens in pages. */
export class Client {
  cookies = new Map<string, string>();
  /** `host`: the Host header every request sends (a program's own host name); absent: inject's default. */
  constructor(
    private app: FastifyInstance,
    private host?: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { cookie: this.cookieHeader(), ...(this.host ? { host: this.host } : {}), ...extra };
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Resp): Resp {
    for (const c of res.cookies) {
      if (c.maxAge === 0 || c.value === '') this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  async get(url: string): Promise<Resp> {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: this.headers() }));
  }

  async postForm(url: string, fields: Record<string, string>): Promise<Resp> {
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
        payload: new URLSearchParams(fields).toString(),
      }),
    );
  }

  /** `rawType`: a part's Content-Type written as is, even one no browser sends (Blob drops a type with control characters). */
  async postMultipart(url: string, fields: Record<string, string>, files: { name: string; filename: string; content: Buffer | string; type?: string; rawType?: string }[] = []): Promise<Resp> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const placeholder = (i: number) => `application/x-raw-type-${i}`;
    files.forEach((f, i) => form.append(f.name, new Blob([new Uint8Array(Buffer.from(f.content))], { type: f.rawType !== undefined ? placeholder(i) : (f.type ?? 'application/octet-stream') }), f.filename));
    const encoded = new Response(form);
    let payload = Buffer.from(await encoded.arrayBuffer());
    files.forEach((f, i) => {
      if (f.rawType === undefined) return;
      const at = payload.indexOf(`Content-Type: ${placeholder(i)}\r\n`);
      if (at < 0) throw new Error('the part header was not found');
      payload = Buffer.concat([payload.subarray(0, at), Buffer.from(`Content-Type: ${f.rawType}\r\n`, 'latin1'), payload.subarray(at + `Content-Type: ${placeholder(i)}\r\n`.length)]);
    });
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        headers: this.headers({ 'content-type': encoded.headers.get('content-type')! }),
        payload,
      }),
    );
  }

  /** A client signed in as the given staff member (fails loudly if sign-in does not succeed). */
  static async signedIn(app: FastifyInstance, user: { email: string; password: string }): Promise<Client> {
    const c = new Client(app);
    const csrf = Client.csrf((await c.get('/staff/login')).body);
    const res = await c.postForm('/staff/login', { _csrf: csrf, email: user.email, password: user.password });
    if (res.statusCode !== 303) throw new Error(`sign-in failed with ${res.statusCode}`);
    return c;
  }

  /** The _csrf hidden field of a page. */
  static csrf(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error('no CSRF token in page');
    return m[1]!;
  }
}
