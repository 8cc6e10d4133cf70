/**
 * `npm run bench:mail`: encrypted mail intake on PostgreSQL. Real PGP/MIME
 * mail (OpenPGP.js, encrypted to the program's key and signed by one
 * reporter key) is sent over SMTP to the compiled server's built-in listener
 * (EMBARGO_SMTP_LISTEN), by several connections at once; the listener answers
 * 250 once a mail is stored, and the intake job (the worker, here inside the
 * web process: EMBARGO_WORKER=true) turns each into a report.
 *
 * Prints mails/s accepted, the SMTP latency per mail, and how long until each
 * mail is a report (reports.created_at − inbound_mails.received_at, both
 * taken on this machine). Options: --mails N (default 200), --connections N
 * (default 4). Results to stdout as markdown, progress to stderr.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import * as openpgp from 'openpgp';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { loadProgramAddresses } from '../src/mail-intake/recipients.ts';
import { cleanEnv, freePort, repoRoot, startNodeServer, type ChildServer } from './processes.ts';
import { cpuSeconds } from './pgbench.ts';
import { pgpMimeMail } from '../test/mail/mail-helpers.ts';
import { NODE_FLAGS } from '../scripts/node-flags.mjs';

const PG_ADMIN_URL =
  process.env.EMBARGO_BENCH_DATABASE_URL ?? process.env.EMBARGO_TEST_DATABASE_URL ?? 'postgres://embargo_test@127.0.0.1:5432/embargo_test';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: a positive whole number`);
  return v;
}
const MAILS = option('--mails', 200);
const CONNECTIONS = option('--connections', 4);
/** How long the intake may take for all mails before the bench gives up. */
const INTAKE_TIMEOUT_MS = 10 * 60_000;

const log = (message: string) => process.stderr.write(`» ${message}\n`);

async function pgAdmin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** An SMTP server that accepts every mail the server sends (acknowledgements), so outbound mail neither fails nor retries. */
async function outboundSink(): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, received: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** RFC 3156 PGP/MIME around an armored OpenPGP message (the mail tests' builder), with its Message-ID. */
function pgpMime(armored: string, to: string, n: number): { raw: Buffer; messageId: string } {
  const messageId = `bench-${n}-${randomBytes(6).toString('hex')}@example.org`;
  return { raw: pgpMimeMail(armored, { to, messageId, subject: `Heap overflow in the image parser (${n})` }), messageId };
}

function reportText(n: number): string {
  return [
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello, while testing build ${n} I found a heap buffer overflow in the image parser of Example Cloud.`,
    '',
    'A crafted PNG with an oversized iCCP chunk makes the thumbnail service write past the end of a',
    'heap buffer. On the default installation the worker crashes; with a prepared heap layout it may',
    'allow code execution in the thumbnail service, which holds credentials for the object store.',
    '',
    'Steps to reproduce:',
    '1. Sign in as an ordinary user.',
    '2. Upload the attached file as a profile picture.',
    '3. Watch the thumbnail worker restart (its log shows a SIGSEGV in png_read_iCCP).',
    '',
    'Impact: denial of service for every user of the upload feature, possibly code execution.',
    'I have not shared this with anyone else and will wait for your fix before publishing.',
    '',
    'Best regards,',
    'Ada',
    '',
  ].join('\r\n');
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<number> {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const loadBefore = os.loadavg()[0]!;
  const name = `embargo_bench_mail_${randomBytes(4).toString('hex')}`;
  await pgAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const sink = await outboundSink();
  let server: ChildServer | undefined;
  try {
    const [port, smtpPort] = [await freePort(), await freePort()];
    const env = cleanEnv({
      DATABASE_URL: url.toString(),
      EMBARGO_SECRET: randomBytes(32).toString('base64'),
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBARGO_BASE_URL: `http://127.0.0.1:${port}`,
      EMBARGO_LOG_LEVEL: 'warn',
      EMBARGO_SMTP_LISTEN: `127.0.0.1:${smtpPort}`,
      EMBARGO_SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      EMBARGO_WORKER: 'true',
    });
    const config = loadConfig(env, repoRoot);
    log(`starting the server (SMTP listener on ${smtpPort}, worker in the web process)`);
    server = await startNodeServer('embargo/mail', [...NODE_FLAGS, 'dist/cli.js', 'serve'], env, port, '/healthz');

    const database = await openDatabase(config.database, { poolSize: 2 });
    try {
      const { db } = database;
      const [address] = await loadProgramAddresses(db, config.programs.map((p) => p.slug));
      const key = await db.selectFrom('program_keys').select('public_key_armored').where('program_id', '=', address!.programId).where('status', '=', 'active').executeTakeFirstOrThrow();
      const programKey = await openpgp.readKey({ armoredKey: key.public_key_armored });
      const { privateKey } = await openpgp.generateKey({ type: 'ecc', userIDs: [{ name: 'Ada Researcher', email: 'ada@example.org' }], format: 'object', config: { v6Keys: false } });

      log(`encrypting and signing ${MAILS} mails to the program key`);
      const prepared = performance.now();
      const mails: { raw: Buffer; messageId: string }[] = [];
      for (let n = 1; n <= MAILS; n++) {
        const armored = await openpgp.encrypt({ message: await openpgp.createMessage({ text: reportText(n) }), encryptionKeys: programKey, signingKeys: privateKey });
        mails.push(pgpMime(armored as string, address!.contactEmail, n));
      }
      const prepareSeconds = (performance.now() - prepared) / 1000;

      log(`sending over ${CONNECTIONS} SMTP connections`);
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS, maxMessages: Infinity });
      const cpuBefore = await cpuSeconds(server.pid);
      const started = performance.now();
      const latencies: number[] = [];
      let refused = 0;
      // CONNECTIONS senders, each sending its next mail once the last one was answered: the latency is the SMTP transaction's, not a queue's.
      let next = 0;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (next < mails.length) {
            const m = mails[next++]!;
            const t = performance.now();
            try {
              const info = await transport.sendMail({ envelope: { from: 'ada@example.org', to: [address!.contactEmail] }, raw: m.raw });
              if (!/^250/.test(info.response)) refused++;
              latencies.push(performance.now() - t);
            } catch {
              refused++;
            }
          }
        }),
      );
      const sendSeconds = (performance.now() - started) / 1000;
      transport.close();

      log('waiting for the intake job to file every mail');
      let done = 0;
      const deadline = Date.now() + INTAKE_TIMEOUT_MS;
      while (Date.now() < deadline) {
        const row = await sql<{ n: string }>`SELECT count(*) AS n FROM inbound_mails WHERE outcome <> 'pending'`.execute(db);
        done = Number(row.rows[0]?.n);
        if (done >= MAILS - refused) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const allFiledSeconds = (performance.now() - started) / 1000;
      const cpuAfter = await cpuSeconds(server.pid);
      const outcomes = await sql<{ outcome: string; decryption: string | null; signature: string | null; n: string }>`
        SELECT outcome, decryption, signature, count(*) AS n FROM inbound_mails GROUP BY 1, 2, 3 ORDER BY 4 DESC`.execute(db);
      const toReport = (
        await sql<{ ms: number }>`
          SELECT extract(epoch FROM r.created_at - m.received_at) * 1000 AS ms
          FROM inbound_mails m JOIN reports r ON r.id = m.report_id`.execute(db)
      ).rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
      latencies.sort((a, b) => a - b);
      const f = (v: number) => (Number.isNaN(v) ? '—' : v < 10 ? v.toFixed(2) : v.toFixed(0));
      const cpus = os.cpus();
      const lines = [
        '## Embargo mail intake benchmark',
        '',
        `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, PostgreSQL; server, database and sender share the machine ` +
          `(1-minute load average ${loadBefore.toFixed(2)} before the bench).`,
        `${MAILS} PGP/MIME mails (OpenPGP.js: encrypted to the program's key and signed by one reporter key, about ${Math.round(mails[0]!.raw.length / 1024)} KB each), ` +
          `sent over ${CONNECTIONS} SMTP connections to the built-in listener; the worker runs in the web process. Latencies in ms.`,
        '',
        '| mails | accepted/s | SMTP p50 | SMTP p99 | refused | filed as reports | until a report p50 | p99 | max | all filed after | server CPU per mail |',
        '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
        `| ${MAILS} | ${((MAILS - refused) / sendSeconds).toFixed(1)} | ${f(percentile(latencies, 50))} | ${f(percentile(latencies, 99))} | ${refused} | ${toReport.length} | ` +
          `${f(percentile(toReport, 50))} | ${f(percentile(toReport, 99))} | ${f(toReport.at(-1) ?? NaN)} | ${allFiledSeconds.toFixed(1)} s | ` +
          `${cpuBefore !== undefined && cpuAfter !== undefined ? `${(((cpuAfter - cpuBefore) * 1000) / Math.max(1, done)).toFixed(1)} ms` : '?'} |`,
        '',
        `Filed: ${outcomes.rows.map((r) => `${r.n} ${r.outcome} (${r.decryption ?? '—'}, signature ${r.signature ?? '—'})`).join('; ')}. ` +
          `Preparing the mails (encrypt and sign, in the bench process) took ${prepareSeconds.toFixed(1)} s; acknowledgements received by the outbound sink: ${sink.received()}.`,
        '"Until a report" runs from the listener storing the mail (inbound_mails.received_at) to the report row (reports.created_at): the wait in the job queue (the worker files one mail at a time, in the order received) and the filing itself.',
      ];
      process.stdout.write(`\n${lines.join('\n')}\n`);
      const problems = [...(refused ? [`${refused} mails refused`] : []), ...(toReport.length < MAILS - refused ? [`only ${toReport.length} of ${MAILS - refused} mails became reports`] : [])];
      if (problems.length) process.stdout.write(`\nPROBLEMS:\n${problems.map((p) => `- ${p}`).join('\n')}\n`);
      return problems.length ? 1 : 0;
    } finally {
      await database.close();
    }
  } finally {
    await server?.stop();
    await sink.close();
    await pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((err: Error) => log(`drop database: ${err.message}`));
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`bench:mail failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
