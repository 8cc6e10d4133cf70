import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { loadProgramAddresses } from '../../src/mail-intake/recipients.ts';
import { startSmtpListener, type SmtpListener } from '../../src/mail-intake/smtp-listener.ts';
import { openEnvelopeFrom, RAW_MAIL_PURPOSE, storeInboundMail, type IncomingMail } from '../../src/mail-intake/store-inbound.ts';
import { unseal } from '../../src/mail/seal.ts';
import { TEST_PG_URL, databaseKinds, freshDatabase, type TestDatabase } from '../helpers/databases.ts';
import { mailContext, rawMail, swaks, type MailTestContext } from './mail-helpers.ts';

/** The last server reply in a swaks transcript, without QUIT's 221. */
function lastReply(out: string): string {
  // "<-" plain, "<~" inside TLS, "**" marks an error reply.
  const replies = out.split('\n').filter((l) => /^<[-~*]+\s+\d{3}/.test(l) && !/^<[-~]\s+221/.test(l));
  return replies.at(-1)?.replace(/^<[-~*]+\s+/, '') ?? '';
}

for (const kind of await databaseKinds()) {
  describe(`SMTP listener (${kind})`, () => {
    let t: TestDatabase;
    let m: MailTestContext;
    let listener: SmtpListener;
    /** The seam the embedded database is taken away through (on PostgreSQL the database itself goes away). */
    let storeFails = false;
    const server = () => ['--server', `127.0.0.1:${listener.port}`];
    before(async () => {
      t = await freshDatabase(kind);
      m = await mailContext(t.db);
      listener = await startSmtpListener({
        host: '127.0.0.1',
        port: 0,
        hostname: 'mx.example.com',
        maxBytes: 50_000,
        programs: await loadProgramAddresses(t.db, ['example']),
        secret: m.ctx.secret,
        replyDomain: undefined,
        store: async (mail: IncomingMail) => {
          if (storeFails) throw new Error('connect ECONNREFUSED (simulated)');
          return storeInboundMail(t.db, m.ctx.secret, mail);
        },
        logger: m.ctx.logger,
      });
    });
    after(async () => {
      await listener?.close();
      m?.close();
      await t?.close();
    });

    const count = async () => Number((await t.db.selectFrom('inbound_mails').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

    it('accepts only the program addresses: 550 at RCPT for anyone else, so it is no open relay', async () => {
      const r = await swaks([...server(), '--to', 'ceo@example.com', '--from', 'x@example.org', '--quit-after', 'RCPT']);
      assert.match(lastReply(r.out), /^550 5\.1\.1 <ceo@example\.com>: no such recipient here/);
      const relay = await swaks([...server(), '--to', 'victim@gmail.example', '--from', 'x@example.org', '--quit-after', 'RCPT']);
      assert.match(lastReply(relay.out), /^550/);
      const ok = await swaks([...server(), '--to', 'SECURITY@Example.COM', '--from', 'x@example.org', '--quit-after', 'RCPT']);
      assert.match(lastReply(ok.out), /^250/);
      const plus = await swaks([...server(), '--to', 'security+emb-2026-0001.aaaaaaaaaaaaaaaa@example.com', '--from', 'x@example.org', '--quit-after', 'RCPT']);
      assert.match(lastReply(plus.out), /^250/, 'a plus address is the team mailbox, even with a wrong tag');
    });

    it('answers 250 only once the mail is stored, with a trace header, and keeps bounces (null sender)', async () => {
      const before = await count();
      const r = await swaks([...server(), '--to', 'security@example.com', '--from', 'ada@example.org', '--h-Subject', 'Listener test', '--body', 'LISTENER body of a report.']);
      const reply = lastReply(r.out);
      assert.match(reply, /^250 2\.0\.0 Stored as [0-9a-f-]{36}$/);
      const id = /Stored as (\S+)/.exec(reply)![1]!;
      const row = await t.db.selectFrom('inbound_mails').select(['id', 'envelope_from', 'envelope_from_sealed', 'envelope_to', 'source', 'raw_sealed']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.envelope_from, null, 'the sender address is not stored in clear');
      assert.deepEqual([openEnvelopeFrom(m.ctx.secret, row), row.envelope_to, row.source], ['ada@example.org', ['security@example.com'], 'smtp']);
      const stored = unseal(m.ctx.secret, RAW_MAIL_PURPOSE, id, row.raw_sealed).toString();
      assert.match(stored, /^Received: from \S+ \(127\.0\.0\.1\) by mx\.example\.com \(Embargo\) with E?SMTP/);
      assert.match(stored, /LISTENER body of a report\./);
      const bounce = await swaks([...server(), '--to', 'security@example.com', '--from', '<>', '--h-Subject', 'Delivery failure', '--body', 'bounced']);
      assert.match(lastReply(bounce.out), /^250/);
      assert.equal(await count(), before + 2);
      const nullSender = await t.db.selectFrom('inbound_mails').select(['id', 'envelope_from', 'envelope_from_sealed']).orderBy('received_at', 'desc').executeTakeFirstOrThrow();
      assert.equal(openEnvelopeFrom(m.ctx.secret, nullSender), '');
    });

    it('refuses mail above the size limit with a clear 552', async () => {
      const before = await count();
      const r = await swaks([...server(), '--to', 'security@example.com', '--from', 'big@example.org', '--data', '-'], rawMail({ body: 'x'.repeat(80) + '\n'.repeat(1) + 'y'.repeat(60_000) }));
      assert.match(lastReply(r.out), /^552 5\.3\.4 Message too big: at most 50000 bytes/);
      assert.equal(await count(), before);
    });

    it('answers 451 while the database is unavailable, then stores the retried mail once it is back', async () => {
      const raw = rawMail({ messageId: `outage-${kind}@example.org`, subject: 'During the outage', body: 'OUTAGE body: the sender must retry this.' });
      const send = () => swaks([...server(), '--to', 'security@example.com', '--from', 'ada@example.org', '--data', '-'], raw);
      const before = await count();
      const restore = await takeDatabaseAway(kind, t, () => (storeFails = true));
      const refused = await send();
      assert.match(lastReply(refused.out), /^451 4\.3\.0 Temporary failure storing your message; please try again later/);
      await restore(() => (storeFails = false));
      assert.equal(await count(), before, 'nothing half-stored');
      const retried = await send();
      assert.match(lastReply(retried.out), /^250/);
      const again = await send(); // a sender that did not see our 250 sends once more
      assert.match(lastReply(again.out), /^250/);
      assert.equal(await count(), before + 1);
      assert.match(m.logText(), /answered 451 so the sender retries/);
    });
  });
}

/**
 * Makes the database unreachable for the listener: on PostgreSQL for real
 * (the database refuses connections and the pool's are cut), on the embedded
 * database through the listener's store seam. Returns how to bring it back.
 */
async function takeDatabaseAway(kind: string, t: TestDatabase, seam: () => void): Promise<(seamBack: () => void) => Promise<void>> {
  if (kind !== 'postgres') {
    seam();
    return async (back) => back();
  }
  const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(t.db);
  const name = rows[0]!.name;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  return async () => {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    await admin.end();
  };
}

describe('SMTP listener with STARTTLS', () => {
  it('offers STARTTLS with the operator certificate and stores mail sent over it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'embargo-tls-'));
    const t = await freshDatabase('pglite');
    const m = await mailContext(t.db);
    let listener: SmtpListener | undefined;
    try {
      const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=mx.example.com', '-days', '1', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
      assert.equal(made.status, 0, 'openssl made a test certificate');
      listener = await startSmtpListener({
        host: '127.0.0.1',
        port: 0,
        hostname: 'mx.example.com',
        maxBytes: 100_000,
        tls: { cert: readFileSync(`${dir}/cert.pem`), key: readFileSync(`${dir}/key.pem`) },
        programs: await loadProgramAddresses(t.db, ['example']),
        secret: m.ctx.secret,
        replyDomain: undefined,
        store: (mail) => storeInboundMail(t.db, m.ctx.secret, mail),
        logger: m.ctx.logger,
      });
      const r = await swaks(['--server', `127.0.0.1:${listener.port}`, '--tls', '--to', 'security@example.com', '--from', 'tls@example.org', '--body', 'Sent over TLS.']);
      assert.match(r.out, /-> STARTTLS/);
      assert.match(r.out, /TLS started with cipher/);
      assert.match(lastReply(r.out), /^250 2\.0\.0 Stored as/);
    } finally {
      await listener?.close();
      m.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
