import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { programConfigSchema, type ProgramConfig } from './programs/program-config.ts';
import { demoProgram } from './programs/demo-program.ts';
import { duplicateHostnames } from './programs/program-hosts.ts';
import { placeholderProblems } from './policy/policy-text.ts';
import { decodeSecret, InstanceSecret } from './secrets/instance-secret.ts';
import { defaultSecretFile } from './secrets/secret-file.ts';
import { parseRoleMap, RedactedValue, type SsoConfig } from './staff/sso/sso-config.ts';

/**
 * Every environment variable Embargo reads, with its meaning. This is the one
 * place that documents configuration; docs/configuration.md mirrors it.
 */
const envSchema = z.object({
  /** TCP port of the web server. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to listen on. 127.0.0.1 by default: put a TLS reverse proxy in front, or set 0.0.0.0. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** postgres://… to run on PostgreSQL. Absent: the embedded database under EMBARGO_DATA_DIR (see EMBARGO_EMBEDDED_ENGINE). */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  /** Directory of the embedded database, its lock file and the admin socket. */
  EMBARGO_DATA_DIR: z.string().min(1).default('./data'),
  /**
   * The embedded database (without DATABASE_URL): "postgres", a PostgreSQL server Embargo runs as
   * its child process on EMBARGO_DATA_DIR/postgres (durable: fsync on); or "pglite", PostgreSQL
   * compiled to WebAssembly inside the process (never fsyncs: a power cut can lose acknowledged
   * reports; for trying things out and tests).
   */
  EMBARGO_EMBEDDED_ENGINE: z.enum(['postgres', 'pglite']).default('postgres'),
  /** Public URL of this instance, used in links and mails (no trailing slash needed). */
  EMBARGO_BASE_URL: z.string().url().optional(),
  /** Outbound mail relay, e.g. smtp://user:pass@host:587. Absent: notifications are logged, not sent. */
  EMBARGO_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  /**
   * Seconds the outbound relay gets to accept the connection, to greet, and to answer each command.
   * Short, so a relay that never answers costs a mail job this long and the job is retried later.
   */
  EMBARGO_SMTP_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(15),
  /** Sender address of outbound mail. */
  EMBARGO_MAIL_FROM: z.string().min(3).optional(),
  /**
   * Run the built-in SMTP listener for incoming reports on host:port, e.g. 0.0.0.0:25 as the
   * domain's MX, or 127.0.0.1:2525 behind the organisation's relay. Absent: no listener.
   * It accepts only the programs' contact addresses and their per-report reply addresses.
   */
  EMBARGO_SMTP_LISTEN: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:25 or [::]:2525')
    .optional(),
  /**
   * Where Prometheus metrics are served (GET /metrics), e.g. 127.0.0.1:9464; never on the public
   * port. Absent: no metrics listener.
   */
  EMBARGO_METRICS_LISTEN: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464')
    .optional(),
  /** Largest incoming mail the listener accepts, in bytes; larger ones get 552. */
  EMBARGO_SMTP_MAX_BYTES: z.coerce.number().int().min(10_000).default(25 * 1024 * 1024),
  /**
   * PEM certificate chain and private key files: the listener then offers STARTTLS, which
   * sending servers use opportunistically. Absent: plain SMTP (fine behind a relay on loopback).
   */
  EMBARGO_SMTP_TLS_CERT: z.string().min(1).optional(),
  EMBARGO_SMTP_TLS_KEY: z.string().min(1).optional(),
  /** Host name the listener greets with. Default: the host of EMBARGO_BASE_URL. */
  EMBARGO_SMTP_HOSTNAME: z.string().min(1).optional(),
  /**
   * Domain of per-report reply addresses (security+<token>@domain). Default: the domain of the
   * program's contactEmail; set it when only a subdomain is routed to Embargo.
   */
  EMBARGO_MAIL_REPLY_DOMAIN: z.string().regex(/^[A-Za-z0-9.-]+$/, 'a domain name').optional(),
  /**
   * Poll this IMAP mailbox for reports, e.g. imaps://user:password@imap.example.com/INBOX
   * (imap:// is plain text: loopback only). Absent: no polling. Runs in the worker.
   */
  EMBARGO_IMAP_URL: z.string().regex(/^imaps?:\/\//, 'must start with imap:// or imaps://').optional(),
  /** What happens to an imported IMAP message: "flag" (mark \Seen and $EmbargoImported) or "move:<folder>". */
  EMBARGO_IMAP_PROCESSED: z.string().regex(/^(flag|move:.+)$/, 'flag or move:<folder>').default('flag'),
  /** Seconds between two looks at the IMAP mailbox. */
  EMBARGO_IMAP_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Path of the program config file (JSON). Default: ./embargo.config.json when it exists, else a demo program. */
  EMBARGO_CONFIG: z.string().optional(),
  /** pino log level. */
  EMBARGO_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Seconds without a heartbeat after which a worker counts as gone: /readyz turns 503 and other
   * workers take over the jobs it held. Workers beat six times in this window.
   */
  EMBARGO_WORKER_STALE_SECONDS: z.coerce.number().int().min(2).max(3600).default(60),
  /** auto: readable lines on a terminal, JSON lines otherwise; or always json, always pretty. */
  EMBARGO_LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** Largest single attachment, in bytes. */
  EMBARGO_MAX_ATTACHMENT_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  /** Most attachments on one submission or reply. */
  EMBARGO_MAX_ATTACHMENTS: z.coerce.number().int().min(0).max(50).default(5),
  /** Trust X-Forwarded-* headers (set when behind a reverse proxy). */
  EMBARGO_TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /**
   * "true": every staff member must set up a second factor (TOTP): until they have, every staff
   * page but the account security page and sign-out sends them there. API tokens are unaffected.
   */
  EMBARGO_REQUIRE_SECOND_FACTOR: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /**
   * "true": outgoing webhooks and issue trackers (src/webhooks/, src/trackers/) may use http:// and
   * reach loopback, private and link-local addresses (an internal GitLab or Jira, a test server).
   * Default "false": https only, and an address that resolves to such a network is refused (SSRF).
   */
  EMBARGO_INTEGRATIONS_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /**
   * Staff single sign-on through an OpenID Connect provider: its issuer URL (discovery at
   * <issuer>/.well-known/openid-configuration), and this instance's client id and secret there.
   * The provider must allow the redirect URI <EMBARGO_BASE_URL>/staff/login/sso/callback.
   * All three or none. http:// is accepted only for a provider on loopback.
   */
  EMBARGO_OIDC_ISSUER: z.string().url().optional(),
  EMBARGO_OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** The client secret: never logged. */
  EMBARGO_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Scopes asked for, space-separated (openid is always added). */
  EMBARGO_OIDC_SCOPES: z.string().default('openid email profile'),
  /** The claim (ID token or userinfo) that lists the person's groups. */
  EMBARGO_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  /**
   * Roles from groups, e.g. "psirt-admins=admin; psirt=triager; acme-psirt=acme:lead" (group=role in
   * every program, or group=program-slug:role; separated by ";" or new lines, or "," when neither is
   * used). Set: every sign-in through the provider sets the account's roles to what its groups give,
   * and someone whose groups give no role is refused and their account deactivated (a later sign-in
   * with a mapped group reactivates it). Absent: roles are managed in Embargo only.
   */
  EMBARGO_OIDC_ROLE_MAP: z.string().optional(),
  /** "true": the first sign-in of someone without an account creates one (needs EMBARGO_OIDC_ROLE_MAP). */
  EMBARGO_OIDC_CREATE_ACCOUNTS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /**
   * "true": a first sign-in may link the existing account with the same e-mail when the provider
   * says it verified it (email_verified). Only for a provider that lets nobody choose their own
   * e-mail. Otherwise staff link their account from the account page while signed in.
   */
  EMBARGO_OIDC_LINK_VERIFIED_EMAIL: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** The provider's name on the sign-in button ("Sign in with …"). */
  EMBARGO_OIDC_LABEL: z.string().min(1).max(60).default('single sign-on'),
  /**
   * "false": staff sign in only through the provider; a password (and a passkey without one)
   * no longer signs anyone in, except the account named by EMBARGO_BREAK_GLASS_ADMIN.
   * Needs EMBARGO_OIDC_ISSUER.
   */
  EMBARGO_PASSWORD_SIGN_IN: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** E-mail of the one account that may still sign in with its password when EMBARGO_PASSWORD_SIGN_IN=false. */
  EMBARGO_BREAK_GLASS_ADMIN: z.string().trim().toLowerCase().email().optional(),
  /** Days a finished job is kept before housekeeping deletes it (failed jobs and reporter mail jobs stay). */
  EMBARGO_JOB_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Days audit log entries are kept; housekeeping deletes older ones and chains a checkpoint in their place (src/audit/). */
  EMBARGO_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(730),
  /** Run the job worker inside the web process. Default: yes on the embedded database, no on PostgreSQL. */
  EMBARGO_WORKER: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
  /**
   * Protects the program's private OpenPGP keys at rest: at least 32 bytes, hex or base64
   * (`openssl rand -base64 32`). Absent: read from (or generated once into) EMBARGO_SECRET_FILE.
   * Every process sharing a PostgreSQL database must use the same one, so set it there.
   * Losing it means losing the private keys (a new key can be generated).
   */
  /**
   * The instance secret's file when EMBARGO_SECRET is not set; generated (mode 0600) on first start.
   * Default: `embargo.secret` next to EMBARGO_DATA_DIR (./embargo.secret for ./data), outside the
   * data directory so that backing the directory up leaves the key out. A secret.key left inside
   * the data directory by an earlier version is moved here at start.
   */
  EMBARGO_SECRET_FILE: z.string().min(1).optional(),
  EMBARGO_SECRET: z
    .string()
    .optional()
    .superRefine((v, issue) => {
      const decoded = v === undefined ? undefined : decodeSecret(v);
      if (typeof decoded === 'string') issue.addIssue({ code: 'custom', message: decoded });
    }),
});

export type DatabaseConfig =
  | { kind: 'postgres'; url: string }
  | {
      kind: 'embedded';
      dataDir: string;
      /**
       * postgres (default): a PostgreSQL server Embargo runs itself on `<dataDir>/postgres`.
       * pglite: PostgreSQL compiled to WebAssembly inside the Embargo process, on `<dataDir>/pglite`;
       * it never fsyncs (a power cut can lose acknowledged writes): for trying things out and tests.
       */
      engine?: 'postgres' | 'pglite';
    };

export interface Config {
  http: { port: number; host: string; trustProxy: boolean };
  baseUrl: string;
  /** Cookies get Secure and the __Host- prefix when the public URL is https. */
  secureCookies: boolean;
  database: DatabaseConfig;
  dataDir: string;
  mail: {
    smtpUrl: string | undefined;
    /** Connect, greeting and socket timeout of the outbound relay (EMBARGO_SMTP_TIMEOUT_SECONDS). */
    smtpTimeoutSeconds: number;
    from: string;
    /** Domain of per-report reply addresses; undefined: each program's contactEmail domain. */
    replyDomain: string | undefined;
    intake: MailIntakeConfig;
  };
  logLevel: z.infer<typeof envSchema>['EMBARGO_LOG_LEVEL'];
  logFormat: z.infer<typeof envSchema>['EMBARGO_LOG_FORMAT'];
  uploads: { maxBytes: number; maxFiles: number };
  runWorkerInWeb: boolean;
  /** EMBARGO_WORKER_STALE_SECONDS. */
  workerStaleSeconds: number;
  /** EMBARGO_METRICS_LISTEN: the metrics listener's address, or undefined for none. */
  metricsListen: { host: string; port: number } | undefined;
  /** Days finished jobs are kept (EMBARGO_JOB_RETENTION_DAYS). */
  jobRetentionDays: number;
  /** Days audit log entries are kept (EMBARGO_AUDIT_RETENTION_DAYS). */
  auditRetentionDays: number;
  /** Staff must enrol a second factor before using any other staff page (EMBARGO_REQUIRE_SECOND_FACTOR). */
  requireSecondFactor: boolean;
  /** Webhooks and issue trackers may use http:// and private-network addresses (EMBARGO_INTEGRATIONS_ALLOW_PRIVATE). */
  integrationsAllowPrivate: boolean;
  /** Staff single sign-on (EMBARGO_OIDC_*); undefined: not configured. */
  sso: SsoConfig | undefined;
  /** EMBARGO_PASSWORD_SIGN_IN and EMBARGO_BREAK_GLASS_ADMIN (lower case). */
  passwordSignIn: { enabled: boolean; breakGlassEmail: string | undefined };
  programs: ProgramConfig[];
  /** From EMBARGO_SECRET; undefined: the server uses (or creates) `secretFile`, see src/secrets/secret-file.ts. */
  instanceSecret: InstanceSecret | undefined;
  /** EMBARGO_SECRET_FILE, absolute: where the secret is kept when EMBARGO_SECRET is not set. */
  secretFile: string;
}

/** Incoming mail: the SMTP listener and the IMAP poller, either or both. */
export interface MailIntakeConfig {
  smtpListen: { host: string; port: number } | undefined;
  maxBytes: number;
  /** Paths of the PEM files that enable STARTTLS on the listener. */
  tls: { certFile: string; keyFile: string } | undefined;
  /** Greeting name of the listener. */
  hostname: string;
  imap: { url: string; processed: { kind: 'flag' } | { kind: 'move'; folder: string }; pollSeconds: number } | undefined;
}

export class ConfigError extends Error {}

/** Parses the environment (and the program config file it names) once, failing with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.EMBARGO_DATA_DIR);
  const baseUrl = (e.EMBARGO_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const programs = loadPrograms(e.EMBARGO_CONFIG, cwd);
  const sso = ssoConfig(e, programs);
  const database: DatabaseConfig = e.DATABASE_URL
    ? { kind: 'postgres', url: e.DATABASE_URL }
    : { kind: 'embedded', dataDir, engine: e.EMBARGO_EMBEDDED_ENGINE };
  return {
    http: { port: e.PORT, host: e.HOST, trustProxy: e.EMBARGO_TRUST_PROXY },
    baseUrl,
    secureCookies: baseUrl.startsWith('https://'),
    database,
    dataDir,
    mail: {
      smtpUrl: e.EMBARGO_SMTP_URL,
      smtpTimeoutSeconds: e.EMBARGO_SMTP_TIMEOUT_SECONDS,
      from: e.EMBARGO_MAIL_FROM ?? `security@${new URL(baseUrl).hostname}`,
      replyDomain: e.EMBARGO_MAIL_REPLY_DOMAIN?.toLowerCase(),
      intake: {
        smtpListen: e.EMBARGO_SMTP_LISTEN ? parseHostPort(e.EMBARGO_SMTP_LISTEN) : undefined,
        maxBytes: e.EMBARGO_SMTP_MAX_BYTES,
        tls: smtpTls(e.EMBARGO_SMTP_TLS_CERT, e.EMBARGO_SMTP_TLS_KEY, cwd),
        hostname: e.EMBARGO_SMTP_HOSTNAME ?? new URL(baseUrl).hostname,
        imap: e.EMBARGO_IMAP_URL
          ? {
              url: e.EMBARGO_IMAP_URL,
              processed: e.EMBARGO_IMAP_PROCESSED === 'flag' ? { kind: 'flag' } : { kind: 'move', folder: e.EMBARGO_IMAP_PROCESSED.slice('move:'.length) },
              pollSeconds: e.EMBARGO_IMAP_POLL_SECONDS,
            }
          : undefined,
      },
    },
    logLevel: e.EMBARGO_LOG_LEVEL,
    logFormat: e.EMBARGO_LOG_FORMAT,
    uploads: { maxBytes: e.EMBARGO_MAX_ATTACHMENT_BYTES, maxFiles: e.EMBARGO_MAX_ATTACHMENTS },
    runWorkerInWeb: e.EMBARGO_WORKER ?? database.kind === 'embedded',
    workerStaleSeconds: e.EMBARGO_WORKER_STALE_SECONDS,
    metricsListen: e.EMBARGO_METRICS_LISTEN ? parseHostPort(e.EMBARGO_METRICS_LISTEN, 'EMBARGO_METRICS_LISTEN') : undefined,
    jobRetentionDays: e.EMBARGO_JOB_RETENTION_DAYS,
    auditRetentionDays: e.EMBARGO_AUDIT_RETENTION_DAYS,
    requireSecondFactor: e.EMBARGO_REQUIRE_SECOND_FACTOR,
    integrationsAllowPrivate: e.EMBARGO_INTEGRATIONS_ALLOW_PRIVATE,
    programs,
    sso,
    passwordSignIn: { enabled: e.EMBARGO_PASSWORD_SIGN_IN, breakGlassEmail: e.EMBARGO_BREAK_GLASS_ADMIN },
    instanceSecret: e.EMBARGO_SECRET === undefined ? undefined : new InstanceSecret(decodeSecret(e.EMBARGO_SECRET) as Buffer, 'EMBARGO_SECRET'),
    secretFile: e.EMBARGO_SECRET_FILE ? path.resolve(cwd, e.EMBARGO_SECRET_FILE) : defaultSecretFile(dataDir),
  };
}

/** The EMBARGO_OIDC_* settings, checked together (all problems at once). */
function ssoConfig(e: z.infer<typeof envSchema>, programs: readonly ProgramConfig[]): SsoConfig | undefined {
  const problems: string[] = [];
  const set = [e.EMBARGO_OIDC_ISSUER, e.EMBARGO_OIDC_CLIENT_ID, e.EMBARGO_OIDC_CLIENT_SECRET].filter((v) => v !== undefined).length;
  if (set !== 0 && set !== 3) problems.push('EMBARGO_OIDC_ISSUER, EMBARGO_OIDC_CLIENT_ID and EMBARGO_OIDC_CLIENT_SECRET must be set together');
  if (!e.EMBARGO_PASSWORD_SIGN_IN && set !== 3) problems.push('EMBARGO_PASSWORD_SIGN_IN=false needs single sign-on (EMBARGO_OIDC_ISSUER, …): nobody else could sign in');
  const roleMap = e.EMBARGO_OIDC_ROLE_MAP === undefined ? undefined : parseRoleMap(e.EMBARGO_OIDC_ROLE_MAP, programs.map((p) => p.slug));
  if (roleMap && !roleMap.ok) problems.push(...roleMap.problems.map((p) => `EMBARGO_OIDC_ROLE_MAP: ${p}`));
  if (e.EMBARGO_OIDC_CREATE_ACCOUNTS && !roleMap) problems.push('EMBARGO_OIDC_CREATE_ACCOUNTS=true needs EMBARGO_OIDC_ROLE_MAP (a new account needs a role)');
  const issuer = e.EMBARGO_OIDC_ISSUER ? new URL(e.EMBARGO_OIDC_ISSUER) : undefined;
  const loopback = issuer && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  if (issuer && issuer.protocol !== 'https:' && !loopback) problems.push('EMBARGO_OIDC_ISSUER must be https:// (http:// only for a provider on loopback)');
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  if (!issuer) return undefined;
  const scopes = new Set(e.EMBARGO_OIDC_SCOPES.split(/\s+/).filter(Boolean));
  scopes.add('openid');
  return {
    issuer,
    clientId: e.EMBARGO_OIDC_CLIENT_ID!,
    clientSecret: new RedactedValue(e.EMBARGO_OIDC_CLIENT_SECRET!),
    scopes: [...scopes].join(' '),
    groupsClaim: e.EMBARGO_OIDC_GROUPS_CLAIM,
    roleMap: roleMap?.ok ? roleMap.map : undefined,
    createAccounts: e.EMBARGO_OIDC_CREATE_ACCOUNTS,
    linkVerifiedEmail: e.EMBARGO_OIDC_LINK_VERIFIED_EMAIL,
    label: e.EMBARGO_OIDC_LABEL,
  };
}

/** Both TLS files or neither: one without the other is a mistake worth stopping for. */
function smtpTls(cert: string | undefined, key: string | undefined, cwd: string): MailIntakeConfig['tls'] {
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new ConfigError('Invalid configuration:\n  EMBARGO_SMTP_TLS_CERT and EMBARGO_SMTP_TLS_KEY must be set together');
  return { certFile: path.resolve(cwd, cert), keyFile: path.resolve(cwd, key) };
}

/** "0.0.0.0:25" or "[::1]:2525" → host and port (the schema has checked the shape). */
function parseHostPort(value: string, variable = 'EMBARGO_SMTP_LISTEN'): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  const port = Number(value.slice(i + 1));
  if (port > 65535) throw new ConfigError(`Invalid configuration:\n  ${variable}: port ${port} is out of range`);
  return { host: value.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port };
}

function loadPrograms(explicitPath: string | undefined, cwd: string): ProgramConfig[] {
  const file = explicitPath ? path.resolve(cwd, explicitPath) : path.resolve(cwd, 'embargo.config.json');
  if (!existsSync(file)) {
    if (explicitPath) throw new ConfigError(`EMBARGO_CONFIG: file not found: ${file}`);
    return [demoProgram];
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = z.object({ programs: z.array(programConfigSchema).min(1) }).safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`${file}: invalid program config:\n${lines.join('\n')}`);
  }
  // Checked here rather than in the schema, which also reads policies already published.
  const problems = parsed.data.programs.flatMap((p, i) => Object.entries(placeholderProblems(p.policy)).map(([key, problem]) => `  programs.${i}.policy.${key}: ${problem}`));
  problems.push(...duplicateHostnames(parsed.data.programs).map((p) => `  programs: ${p}`));
  if (problems.length) throw new ConfigError(`${file}: invalid program config:\n${problems.join('\n')}`);
  return parsed.data.programs;
}
