import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import * as openpgp from 'openpgp';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/database.ts';
import { createJobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import { ensureProgramKeys } from '../../src/keys/ensure-program-keys.ts';
import { activeKey } from '../../src/keys/program-keys.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { ReportVault } from '../../src/crypto/report-vault.ts';
import { InstanceSecret } from '../../src/secrets/instance-secret.ts';
import { testSecret } from '../helpers/factories.ts';

export interface MailTestContext {
  ctx: AppContext;
  worker: Worker;
  /** Everything logged, for "no plaintext in the log" checks and diagnostics. */
  logText(): string;
  programKey: openpgp.PublicKey;
  close(): void;
}

/** The real job handlers and a worker on `db`, with the demo program's key and (optionally) a relay. */
export async function mailContext(db: Db, env: Record<string, string> = {}, sharedSecret?: InstanceSecret): Promise<MailTestContext> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({ EMBARGO_MAIL_FROM: 'security@example.com', EMBARGO_BASE_URL: 'https://cvd.example.com', ...env });
  const logger = pino({ level: 'info' }, sink);
  // The factories' secret by default, so reports they make open with this context's vault.
  const secret = sharedSecret ?? testSecret;
  await ensureProgramKeys(db, secret, ['example'], pino({ level: 'silent' }));
  const program = await db.selectFrom('programs').select('id').where('slug', '=', 'example').executeTakeFirstOrThrow();
  const stored = (await activeKey(db, program.id))!;
  const mailer = createMailer(config.mail.smtpUrl, config.mail.from, { timeoutSeconds: config.mail.smtpTimeoutSeconds });
  const ctx: AppContext = { config, db, logger, mailer, defaultProgramSlug: 'example', secret, vault: new ReportVault(secret) };
  const worker = createWorker({ db, handlers: createJobHandlers(ctx), logger });
  return {
    ctx,
    worker,
    logText: () => chunks.join(''),
    programKey: await openpgp.readKey({ armoredKey: stored.publicKeyArmored }),
    close: () => mailer?.close(),
  };
}

/** An OpenPGP key pair as a researcher would have (v4, Curve25519: what GnuPG 2.2 makes too). */
export async function reporterKeyPair(email: string): Promise<{ publicKey: openpgp.PublicKey; privateKey: openpgp.PrivateKey; armored: string }> {
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', userIDs: [{ name: 'Researcher', email }], format: 'object', config: { v6Keys: false } });
  return { publicKey, privateKey, armored: publicKey.armor() };
}

/** A raw RFC 5322 message with CRLF line endings. */
export function rawMail(options: { from?: string; to?: string; subject?: string; messageId?: string; headers?: Record<string, string>; contentType?: string; body: string }): Buffer {
  const lines = [
    `From: ${options.from ?? 'Ada Researcher <ada@example.org>'}`,
    `To: ${options.to ?? 'security@example.com'}`,
    `Subject: ${options.subject ?? 'Stored XSS in the admin user list'}`,
    `Message-ID: <${options.messageId ?? `${randomBytes(8).toString('hex')}@example.org`}>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    ...Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    `Content-Type: ${options.contentType ?? 'text/plain; charset=utf-8'}`,
    '',
    options.body,
  ];
  return Buffer.from(lines.join('\r\n').replace(/\r?\n/g, '\r\n'));
}

/** A PGP/MIME (RFC 3156) encrypted message around `inner` (a MIME entity), as Thunderbird sends it. */
export function pgpMimeMail(armored: string, headers: { from?: string; to?: string; subject?: string; messageId?: string } = {}): Buffer {
  const b = `enc-${randomBytes(6).toString('hex')}`;
  return rawMail({
    ...headers,
    contentType: `multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${b}"`,
    body: [
      'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)',
      `--${b}`,
      'Content-Type: application/pgp-encrypted',
      'Content-Description: PGP/MIME version identification',
      '',
      'Version: 1',
      '',
      `--${b}`,
      'Content-Type: application/octet-stream; name="encrypted.asc"',
      'Content-Disposition: inline; filename="encrypted.asc"',
      '',
      armored.trim(),
      '',
      `--${b}--`,
      '',
    ].join('\r\n'),
  });
}

/** Runs swaks (the real SMTP client) and returns its transcript. */
export function swaks(args: string[], stdin?: Buffer): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('swaks', ['--timeout', '20', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
    child.stdin.end(stdin ?? '');
  });
}
