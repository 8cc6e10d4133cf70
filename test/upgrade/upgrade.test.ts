import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, constants as zlib } from 'node:zlib';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { migrateToLatest, migrationStatus, openDatabase, openPglite, type Db } from '../../src/db/database.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { OSV_ID_PREFIX } from '../../src/advisories/render-osv.ts';
import { activeKey, decryptionKeys } from '../../src/keys/program-keys.ts';
import { RAW_MAIL_PURPOSE } from '../../src/mail-intake/store-inbound.ts';
import { unseal } from '../../src/mail/seal.ts';
import { loadProgram } from '../../src/programs/programs.ts';
import { findReportByReference, findReportByTrackingToken, listAttachments, loadTimeline } from '../../src/reports/read-report.ts';
import { decodeSecret, InstanceSecret } from '../../src/secrets/instance-secret.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { verifySecondFactor } from '../../src/staff/second-factor/second-factors.ts';
import { totpCode } from '../../src/staff/second-factor/totp.ts';
import { checkCredentials } from '../../src/staff/staff-users.ts';
import { listSubscribers } from '../../src/subscriptions/list-subscribers.ts';
import { describeSchema } from '../migrations/schema-snapshot.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { emptyPostgres, type EmptyPostgres } from '../helpers/empty-postgres.ts';
import { Client } from '../helpers/http-app.ts';
import type { FixtureManifest } from './fixture-data.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), '../fixtures/upgrade');
const SECRET_TEXT = readFileSync(path.join(FIXTURES, 'instance-secret.txt'), 'utf8').trim();
const BASE_URL = 'https://cvd.example.com';

function readExpected(): FixtureManifest {
  return JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as FixtureManifest;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** PGlite's data directory from the fixture tarball, written where `embargo serve` keeps it (<dataDir>/pglite). */
async function restoreEmbedded(dataDir: string): Promise<void> {
  const tar = brotliDecompressSync(readFileSync(path.join(FIXTURES, 'embedded.tar.br')), { params: { [zlib.BROTLI_DECODER_PARAM_LARGE_WINDOW]: 1 } });
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pglite = await PGlite.create({ dataDir: path.join(dataDir, 'pglite'), loadDataDir: new Blob([new Uint8Array(tar)], { type: 'application/x-tar' }), extensions: { pg_trgm } });
  await pglite.close();
}

/** The SQL dump replayed by psql, as an operator restores one. */
function restorePostgres(url: string): void {
  try {
    execFileSync('psql', ['--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '--file', path.join(FIXTURES, 'postgres.sql'), url], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('psql (the PostgreSQL client, apt-get install postgresql-client) restores the PostgreSQL fixture; it is not on PATH');
    throw new Error(`psql could not restore ${path.join(FIXTURES, 'postgres.sql')}: ${e.stderr?.toString().trim() ?? e.message}`);
  }
}

async function withDb<T>(config: ReturnType<typeof loadConfig>, fn: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase(config.database, { poolSize: 1 });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

const expectedAll = readExpected();

for (const kind of await databaseKinds()) {
  const expected = kind === 'pglite' ? expectedAll.embedded : expectedAll.postgres;
  describe(`upgrade from release ${expectedAll.release.slice(0, 7)}: its ${kind === 'pglite' ? 'embedded' : 'PostgreSQL'} database opens in this version`, () => {
    let dir: string;
    let pg: EmptyPostgres | undefined;
    let config: ReturnType<typeof loadConfig>;
    let server: RunningServer;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let pendingBefore: string[];
    const secret = new InstanceSecret(decodeSecret(SECRET_TEXT) as Buffer, 'fixture');
    const logs: string[] = [];

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'embargo-upgrade-'));
      sink = await startSmtpSink();
      const env: Record<string, string> = {
        EMBARGO_SECRET: SECRET_TEXT,
        EMBARGO_BASE_URL: BASE_URL,
        EMBARGO_MAIL_FROM: 'security@example.com',
        EMBARGO_SMTP_URL: sink.url,
        EMBARGO_DATA_DIR: path.join(dir, 'data'),
        PORT: '0',
      };
      if (kind === 'pglite') {
        await restoreEmbedded(env.EMBARGO_DATA_DIR!);
      } else {
        pg = await emptyPostgres();
        restorePostgres(pg.url);
        env.DATABASE_URL = pg.url;
      }
      config = loadConfig(env, dir);
      pendingBefore = (await withDb(config, migrationStatus)).pending;
      const sinkLog = new Writable({ write: (chunk, _enc, cb) => (logs.push(String(chunk)), cb()) });
      // The real start-up: migrate, sync programs, keep the program key, then serve.
      server = await startServer(config, pino({ level: 'info' }, sinkLog), { worker: false });
    });
    after(async () => {
      await server?.close();
      await pg?.close();
      await sink?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const db = () => server.ctx.db;
    const vault = () => server.ctx.vault;
    const report = (i: number) => expected.reports[i]!;

    it('the release ran its migrations; this version runs exactly the newer ones, then has the schema of a fresh database', async () => {
      // Kysely runs migrations in name order, whatever the order of index.ts.
      assert.deepEqual(pendingBefore, Object.keys(migrations).filter((n) => !expected.migrations.includes(n)).sort());
      assert.deepEqual(await migrationStatus(db()), { pending: [], applied: Object.keys(migrations).length, unknown: [] });
      const fresh = kind === 'pglite' ? await openPglite(undefined) : await emptyPostgres();
      try {
        await migrateToLatest(fresh.db);
        assert.equal(await describeSchema(db()), await describeSchema(fresh.db), 'an upgraded database differs from a freshly migrated one');
      } finally {
        await fresh.close();
      }
    });

    it('keeps the program key, which the fixture secret still unlocks, and asks for no new first admin', async () => {
      const program = (await loadProgram(db(), { slug: 'example' }))!;
      assert.equal((await activeKey(db(), program.id))?.fingerprint, expected.programKeyFingerprint);
      assert.ok((await decryptionKeys(db(), secret, program.id)).length >= 1);
      // A setup link would mean the new version saw no staff: every link is one the release made.
      const links = await db().selectFrom('setup_tokens').select('expires_at').execute();
      assert.ok(links.every((l) => l.expires_at.getTime() <= Date.parse(expectedAll.madeAt) + 24 * 3600_000), 'a new setup link was issued');
      assert.doesNotMatch(logs.join(''), /Create the first administrator/);
    });

    it('every report opens: title, description, reporter, state, evaluation; tracking links still work', async () => {
      for (const r of expected.reports) {
        const opened = await findReportByReference(db(), vault(), r.reference);
        assert.ok(opened, r.reference);
        assert.equal(opened.title, r.title);
        assert.ok(opened.description.includes(r.descriptionIncludes), `${r.reference} description`);
        assert.equal(opened.reporter_name, r.reporterName);
        assert.equal(opened.reporter_email, r.reporterEmail);
        assert.equal(opened.channel, r.channel);
        assert.equal(opened.state, r.state);
        // A report by e-mail never showed its sender the policy: the upgrade takes back the acceptance earlier versions recorded.
        assert.equal(opened.policy_accepted_at === null, r.channel === 'email', `${r.reference} policy acceptance`);
        if (r.evaluation) {
          assert.equal(opened.evaluation, r.evaluation);
          assert.equal(opened.expected_resolution_date, r.expectedResolutionDate);
        }
        if (r.trackingToken) assert.equal((await findReportByTrackingToken(db(), vault(), r.trackingToken))?.id, opened.id);
      }
    });

    it('messages and attachments read back, attachments byte for byte, on the staff page and for the reporter', async () => {
      const bob = expected.staff.find((s) => s.role === 'triager')!;
      const staff = await Client.signedIn(server.app, bob);
      for (const r of expected.reports) {
        const opened = (await findReportByReference(db(), vault(), r.reference))!;
        const attachments = await listAttachments(db(), vault(), opened.id);
        assert.deepEqual(attachments.map((a) => [a.filename, a.size]).sort(), r.attachments.map((a) => [a.filename, a.size]).sort());
        const timeline = await loadTimeline(db(), vault(), opened.id, 'staff', attachments);
        const messages = timeline.filter((e) => e.kind === 'message');
        assert.equal(messages.length, r.messages.length, `${r.reference} messages`);
        for (const m of r.messages) {
          const found = messages.find((x) => x.body.startsWith(m.body));
          assert.ok(found, `${r.reference}: message "${m.body.slice(0, 30)}…"`);
          assert.equal(found.visibility, m.visibility);
          assert.equal(found.authorKind, m.author);
        }
        for (const a of r.attachments.filter((x) => x.onMessage)) {
          const message = messages.find((x) => x.body === a.onMessage)!;
          assert.deepEqual(message.attachments.map((x) => x.filename), [a.filename]);
        }

        const page = await staff.get(`/staff/reports/${r.reference}`);
        assert.equal(page.statusCode, 200, `${r.reference} staff page`);
        for (const a of attachments) {
          const download = await staff.get(`/staff/reports/${r.reference}/attachments/${a.id}`);
          assert.equal(download.statusCode, 200);
          assert.equal(sha256(download.rawPayload), r.attachments.find((x) => x.filename === a.filename)!.sha256, `${a.filename} bytes`);
        }

        const token = r.trackingToken;
        if (!token) continue;
        const reporter = new Client(server.app);
        const track = await reporter.get(`/track/${token}`);
        assert.equal(track.statusCode, 200);
        for (const m of r.messages) {
          const shown = track.body.includes(escapeHtml(m.body.split('\n')[0]!));
          assert.equal(shown, m.visibility === 'reporter', `the reporter ${m.visibility === 'reporter' ? 'sees' : 'never sees'} "${m.body.slice(0, 30)}…"`);
        }
        for (const a of attachments) {
          const fetched = await reporter.get(`/track/${token}/attachments/${a.id}`);
          assert.equal(fetched.statusCode, 200);
          assert.equal(sha256(fetched.rawPayload), r.attachments.find((x) => x.filename === a.filename)!.sha256);
        }
      }
    });

    it('the original of the mailed report is kept, sealed, byte for byte', async () => {
      const r = expected.reports.find((x) => x.rawMailSha256)!;
      const opened = (await findReportByReference(db(), vault(), r.reference))!;
      const row = await db().selectFrom('inbound_mails').select(['id', 'raw_sealed', 'raw_sha256']).where('report_id', '=', opened.id).executeTakeFirstOrThrow();
      assert.equal(sha256(unseal(secret, RAW_MAIL_PURPOSE, row.id, row.raw_sealed)), r.rawMailSha256);
    });

    it('the published advisory is served: page, CSAF and OSV', async () => {
      const a = expected.advisory;
      const page = await server.app.inject({ method: 'GET', url: `/advisories/${a.publicId}` });
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(escapeHtml(a.title)));
      const csaf = await server.app.inject({ method: 'GET', url: `/advisories/${a.publicId}.json` });
      assert.equal(csaf.statusCode, 200);
      const doc = csaf.json() as { document: { title: string; tracking: { id: string } }; vulnerabilities: { scores?: { cvss_v3?: { vectorString: string } }[] }[] };
      assert.equal(doc.document.title, a.title);
      assert.equal(doc.document.tracking.id, a.publicId);
      assert.equal(doc.vulnerabilities[0]?.scores?.[0]?.cvss_v3?.vectorString, a.cvssVector);
      const osv = await server.app.inject({ method: 'GET', url: `/advisories/${a.publicId}.osv.json` });
      assert.equal(osv.statusCode, 200);
      assert.equal((osv.json() as { id: string }).id, `${OSV_ID_PREFIX}${a.publicId}`);
      const list = await server.app.inject({ method: 'GET', url: '/advisories' });
      assert.ok(list.body.includes(a.publicId));
    });

    it('the subscriber is still subscribed, to the same products', async () => {
      const program = (await loadProgram(db(), { slug: 'example' }))!;
      const { rows } = await listSubscribers(db(), vault(), program.id, program.config.products.map((p) => p.id));
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.email, expected.subscriber.email);
      assert.deepEqual(rows[0]!.products, expected.subscriber.products);
    });

    it('staff sign in with their passwords; the second factor and a recovery code still verify', async () => {
      for (const s of expected.staff) assert.ok(await checkCredentials(db(), s.email, s.password), s.email);
      const alice = expected.staff.find((s) => s.totpSecret)!;
      const id = (await checkCredentials(db(), alice.email, alice.password))!;
      assert.equal((await verifySecondFactor(db(), secret, id, totpCode(alice.totpSecret!, new Date()))).ok, true);
      assert.equal((await verifySecondFactor(db(), secret, id, alice.recoveryCode!)).ok, true);
    });

    it("a job the release left queued runs on this version's worker: the reporter gets the staff reply's notice", async () => {
      await server.worker.drain();
      const notice = sink.mails.find((m) => m.to.includes(expected.pendingNotice.to));
      assert.ok(notice, `no mail to ${expected.pendingNotice.to}`);
      assert.ok(notice.raw.includes(expected.pendingNotice.reportReference), 'the notice names its report');
      // The release's queued jobs (its SLA sweep too, once due) ran on this version without an error.
      const failed = await db()
        .selectFrom('jobs')
        .select(['kind', 'state', 'last_error'])
        .where((eb) => eb.or([eb('state', '=', 'failed'), eb('last_error', 'is not', null)]))
        .execute();
      assert.deepEqual(failed, []);
    });
  });
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
