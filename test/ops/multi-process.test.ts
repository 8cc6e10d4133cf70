import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { attachmentFor, drillSecret, submitThroughForm } from '../backup/backup-helpers.ts';
import { emptyPostgres, type EmptyPostgres } from '../helpers/empty-postgres.ts';
import { cleanEnv, embargoArgs, repoRoot, runCli, startEmbargo, type EmbargoProcess } from '../helpers/embargo-process.ts';
import { requirePeer } from '../helpers/peers.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

await requirePeer('postgres');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `embargo worker` as an operator runs it; resolves once it says it is running. */
async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, embargoArgs(['worker']), { cwd: repoRoot, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.once('exit', () => child.kill('SIGKILL'));
  await until('the worker to start', async () => out.includes('worker running') || (child.exitCode !== null && Promise.reject(new Error(`worker exited: ${out}`))), 120_000);
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A staff client of one web process: cookies by hand, as a browser keeps them. */
class Staff {
  cookies = new Map<string, string>();
  header = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  }
  async get(base: string, path: string) {
    const res = await fetch(base + path, { headers: { cookie: this.header() }, redirect: 'manual' });
    this.keep(res);
    return { status: res.status, html: await res.text(), location: res.headers.get('location') };
  }
  async post(base: string, path: string, body: FormData | URLSearchParams, ip = '203.0.113.7') {
    const res = await fetch(base + path, { method: 'POST', body, headers: { cookie: this.header(), 'x-forwarded-for': ip }, redirect: 'manual' });
    this.keep(res);
    await res.arrayBuffer();
    return { status: res.status, location: res.headers.get('location') };
  }
}
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

describe('two web and two worker processes on one PostgreSQL', () => {
  let pg: EmptyPostgres;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let webs: EmbargoProcess[] = [];
  let workers: WorkerProcess[] = [];
  let env: Record<string, string>;
  const lead = { email: 'lead@example.com', password: 'a long passphrase for the team' };

  before(async () => {
    pg = await emptyPostgres();
    sink = await startSmtpSink();
    env = { DATABASE_URL: pg.url, EMBARGO_SECRET: drillSecret, EMBARGO_SMTP_URL: sink.url, EMBARGO_WORKER_STALE_SECONDS: '3', EMBARGO_TRUST_PROXY: 'true' };
    const migrate = await runCli(['migrate'], env);
    assert.equal(migrate.code, 0, migrate.stderr);
    const user = await runCli(['user', 'add', '--email', lead.email, '--role', 'lead'], env, `${lead.password}\n`);
    assert.equal(user.code, 0, user.stderr);
    [webs, workers] = await Promise.all([
      Promise.all([1, 2].map(() => startEmbargo({ env: { ...env, EMBARGO_WORKER: 'false' }, startTimeoutMs: 120_000 }))),
      Promise.all([1, 2].map(() => startWorker(env))),
    ]);
  });
  after(async () => {
    await Promise.all([...webs.map((w) => w.stop()), ...workers.map((w) => w.stop())]);
    for (const w of webs) w.removeFiles();
    await sink?.close();
    await pg?.close();
  });

  it('numbers reports submitted through both web processes at once uniquely and without gaps', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => submitThroughForm(webs[i % 2]!.baseUrl, i + 1, attachmentFor(i + 1))));
    assert.deepEqual(results.map((r) => r.status), Array(20).fill(303));
    const refs = await pg.db.selectFrom('reports').select('reference').execute();
    const numbers = refs.map((r) => Number(r.reference.split('-').at(-1))).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('keeps a staff session made on one web process valid on the other', async () => {
    const staff = new Staff();
    const login = await staff.get(webs[0]!.baseUrl, '/staff/login');
    const signIn = await staff.post(webs[0]!.baseUrl, '/staff/login', new URLSearchParams({ _csrf: csrfOf(login.html), email: lead.email, password: lead.password }));
    assert.equal(signIn.status, 303);
    const inbox = await staff.get(webs[1]!.baseUrl, '/staff/reports');
    assert.equal(inbox.status, 200, `B answered ${inbox.status} → ${inbox.location}`);
  });

  it('runs every job exactly once across both workers: one mail per reply, none twice', async () => {
    const staff = new Staff();
    const login = await staff.get(webs[1]!.baseUrl, '/staff/login');
    await staff.post(webs[1]!.baseUrl, '/staff/login', new URLSearchParams({ _csrf: csrfOf(login.html), email: lead.email, password: lead.password }));
    const refs = (await pg.db.selectFrom('reports').select('reference').orderBy('reference').execute()).map((r) => r.reference);
    await Promise.all(
      refs.map(async (ref, i) => {
        const web = webs[i % 2]!.baseUrl;
        const page = await staff.get(web, `/staff/reports/${ref}`);
        const form = new FormData();
        form.append('_csrf', csrfOf(page.html));
        form.append('visibility', 'reporter');
        form.append('body', `Thank you, we are looking at ${ref}.`);
        const r = await staff.post(web, `/staff/reports/${ref}/messages`, form);
        assert.equal(r.status, 303, `reply on ${ref}`);
      }),
    );
    await until('every reply to be mailed', async () => {
      const open = await pg.db.selectFrom('jobs').select('id').where('kind', '=', 'notify-reporter').where('state', '!=', 'done').execute();
      const total = await pg.db.selectFrom('jobs').select('id').where('kind', '=', 'notify-reporter').execute();
      return total.length >= 20 && open.length === 0;
    });
    const jobs = await pg.db.selectFrom('jobs').select(['id', 'attempts']).where('kind', '=', 'notify-reporter').execute();
    assert.ok(jobs.every((j) => j.attempts === 1), 'no job ran twice');
    // The replies' mails (reporters also got a receipt each at submission): 20, each delivered once.
    const replies = await pg.db
      .selectFrom('mail_deliveries as d')
      .innerJoin('jobs as j', 'j.id', 'd.job_id')
      .select(['d.message_id', 'd.result'])
      .where('j.kind', '=', 'notify-reporter')
      .execute();
    assert.deepEqual(replies.map((r) => r.result), Array(20).fill('sent'));
    for (const { message_id } of replies) assert.equal(sink.mails.filter((m) => m.raw.includes(`<${message_id}>`)).length, 1, `${message_id} arrived once`);
    const ids = sink.mails.map((m) => /^Message-ID:\s*<([^>]+)>/im.exec(m.raw)![1]);
    assert.equal(new Set(ids).size, ids.length, 'no mail at all was sent twice');
  });

  it('shares rate limits: failed sign-ins counted on both web processes add up', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const staff = new Staff();
      const web = webs[i % 2]!.baseUrl;
      const page = await staff.get(web, '/staff/login');
      statuses.push((await staff.post(web, '/staff/login', new URLSearchParams({ _csrf: csrfOf(page.html), email: lead.email, password: 'wrong guess' }), '198.51.100.77')).status);
    }
    // Five free tries per account and network in all: a limit kept per process would allow ten.
    const firstRefusal = statuses.indexOf(429);
    assert.ok(firstRefusal >= 0 && firstRefusal <= 6, `statuses: ${statuses.join(' ')}`);
  });

  it('sends each SLA reminder once although both workers sweep', async () => {
    await sql`UPDATE reports SET created_at = now() - interval '30 days'`.execute(pg.db);
    await sql`UPDATE jobs SET run_at = now() WHERE kind = 'sla-sweep' AND state = 'pending'`.execute(pg.db);
    await until('reminders to be written and mailed', async () => {
      const reminders = await pg.db.selectFrom('sla_reminders').select('id').execute();
      const open = await pg.db.selectFrom('jobs').select('id').where('kind', '=', 'sla-mail').where('state', '!=', 'done').execute();
      return reminders.length > 0 && open.length === 0;
    });
    await sleep(2000); // room for a second sweep to send anything twice
    const toLead = sink.mails.filter((m) => m.to.includes(lead.email)).map((m) => /^Subject: (.*)$/m.exec(m.raw)![1]!);
    assert.ok(toLead.some((s) => /is overdue/.test(s)), toLead.join('\n'));
    assert.equal(new Set(toLead).size, toLead.length, `a reminder went out twice:\n${toLead.sort().join('\n')}`);
  });

  it('when a worker is killed with a mail in hand, the other one sends it, once', async () => {
    const staff = new Staff();
    const login = await staff.get(webs[0]!.baseUrl, '/staff/login');
    await staff.post(webs[0]!.baseUrl, '/staff/login', new URLSearchParams({ _csrf: csrfOf(login.html), email: lead.email, password: lead.password }), '203.0.113.9');
    const ref = (await pg.db.selectFrom('reports').select('reference').orderBy('reference').executeTakeFirstOrThrow()).reference;
    const stalled = sink.stallNext();
    const page = await staff.get(webs[0]!.baseUrl, `/staff/reports/${ref}`);
    const form = new FormData();
    form.append('_csrf', csrfOf(page.html));
    form.append('visibility', 'reporter');
    form.append('body', 'One more thing: a fix is on its way.');
    assert.equal((await staff.post(webs[0]!.baseUrl, `/staff/reports/${ref}/messages`, form, '203.0.113.9')).status, 303);
    await stalled;
    const job = await pg.db.selectFrom('jobs').select(['id', 'locked_by']).where('kind', '=', 'notify-reporter').where('state', '=', 'running').executeTakeFirstOrThrow();
    const pid = Number(job.locked_by!.split(':')[1]);
    const holder = workers.find((w) => w.child.pid === pid);
    assert.ok(holder, `the job is held by one of our workers (${job.locked_by})`);
    holder.child.kill('SIGKILL');
    await until('the other worker to finish the job', async () => {
      const row = await pg.db.selectFrom('jobs').select(['state', 'attempts', 'locked_by']).where('id', '=', job.id).executeTakeFirstOrThrow();
      return row.state === 'done' && row;
    });
    const row = await pg.db.selectFrom('jobs').select(['attempts']).where('id', '=', job.id).executeTakeFirstOrThrow();
    assert.equal(row.attempts, 2, 'taken over once');
    const delivered = await pg.db.selectFrom('mail_deliveries').select(['message_id', 'result']).where('job_id', '=', job.id).execute();
    assert.deepEqual(delivered.map((d) => d.result), ['sent']);
    const copies = sink.mails.filter((m) => m.raw.includes(delivered[0]!.message_id));
    assert.equal(copies.length, 1, 'the reporter got the mail exactly once');
  });
});
