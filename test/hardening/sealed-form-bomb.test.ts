/**
 * Issue 9, item 2: the browser-encrypted report form decrypts what an
 * anonymous client sends. OpenPGP compression bombs made with GnuPG (zlib
 * level 9, to the key /pgp-key.txt publishes) are refused like an oversized
 * file, nothing is stored, and the server's memory stays bounded while it
 * refuses them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureProgramKeys } from '../../src/keys/ensure-program-keys.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { GpgBombs, PeakMemory } from './gpg-bombs.ts';

const MiB = 1024 * 1024;
const MAX_ATTACHMENT = 2 * MiB;
/** Refusing a bomb may cost some buffers, never the inflated size. */
const MEMORY_BUDGET = 100 * MiB;

/** The fields a browser sends beside the sealed message: choices, never free text. */
const clearFields = { product: 'example-cloud', vulnerabilityType: 'xss', creditPreference: 'anonymous', acceptPolicy: 'yes', policyVersion: '1' };
const sealedReport = (attachmentNames: string[]) =>
  JSON.stringify({
    title: 'Stored XSS in the project wiki',
    productVersion: '5.1',
    description: 'Wiki pages render raw HTML from the page body.',
    stepsToReproduce: 'Create a page with a script tag and open it.',
    impact: 'Session theft for every reader of the page.',
    attachmentNames,
  });

for (const kind of await databaseKinds()) {
  describe(`compression bombs through the browser-encrypted form (${kind})`, { timeout: 240_000 }, () => {
    let t: TestApp;
    const bombs = new GpgBombs();
    before(async () => {
      t = await startTestApp(kind, { EMBARGO_MAX_ATTACHMENT_BYTES: String(MAX_ATTACHMENT) });
      await ensureProgramKeys(t.ctx.db, t.ctx.secret, ['example'], t.ctx.logger);
      const key = await t.app.inject({ url: '/pgp-key.txt' });
      assert.equal(key.statusCode, 200);
      await bombs.trust(key.body);
    });
    after(async () => {
      bombs.close();
      await t?.close();
    });

    async function post(fields: Record<string, string>, files: { filename: string; content: Buffer }[] = []) {
      const c = new Client(t.app);
      const csrf = Client.csrf((await c.get('/report')).body);
      return c.postMultipart(
        '/report',
        { _csrf: csrf, ...clearFields, clientEncryption: 'openpgp', ...fields },
        files.map((f) => ({ name: 'attachments', filename: f.filename, content: f.content, type: 'application/pgp-encrypted' })),
      );
    }

    async function nothingStored(): Promise<void> {
      assert.equal((await t.ctx.db.selectFrom('reports').select('id').execute()).length, 0, 'no report stored');
      assert.equal((await t.ctx.db.selectFrom('report_attachments').select('id').execute()).length, 0, 'no attachment stored');
    }

    it('refuses an attachment that inflates to 1 GiB like an oversized file, without the memory to match', async (tc) => {
      const bomb = await bombs.zeros(1024 * MiB, false);
      assert.ok(bomb.length < MAX_ATTACHMENT, `the bomb itself (${bomb.length} bytes) is under the attachment limit`);
      const sealed = (await bombs.text(sealedReport(['poc.bin']), true)).toString();
      const memory = new PeakMemory();
      memory.start();
      const res = await post({ sealed }, [{ filename: 'attachment-1.pgp', content: bomb }]);
      const growth = memory.growth();
      tc.diagnostic(`peak memory growth: ${(growth / MiB).toFixed(1)} MiB`);
      assert.equal(res.statusCode, 422, res.body.slice(0, 300));
      assert.ok(res.body.includes('“poc.bin” is larger than 2.0 MB. Attach a smaller file or split it.'), 'the message of an oversized file');
      assert.ok(res.body.includes('Wiki pages render raw HTML from the page body.'), 'what the reporter typed is kept');
      assert.ok(growth < MEMORY_BUDGET, `peak memory grew by ${Math.round(growth / MiB)} MiB refusing a 1 GiB bomb`);
      await nothingStored();
    });

    it('refuses a sealed message of fields that inflates to 128 MiB, without the memory to match', async (tc) => {
      const sealed = (await bombs.zeros(128 * MiB, true)).toString();
      assert.ok(sealed.length < 256 * 1024, 'a bomb that fits a form field');
      const memory = new PeakMemory();
      memory.start();
      const res = await post({ sealed });
      const growth = memory.growth();
      tc.diagnostic(`peak memory growth: ${(growth / MiB).toFixed(1)} MiB`);
      assert.equal(res.statusCode, 422, res.body.slice(0, 300));
      assert.ok(/Your encrypted report is too large once decrypted/.test(res.body), 'refused as too large once decrypted');
      assert.ok(growth < MEMORY_BUDGET, `peak memory grew by ${Math.round(growth / MiB)} MiB refusing a 128 MiB bomb`);
      await nothingStored();
    });

    it('takes a file that decrypts to exactly the limit, and refuses one byte more', async () => {
      const sealed = (await bombs.text(sealedReport(['exact.bin']), true)).toString();
      const over = await post({ sealed }, [{ filename: 'attachment-1.pgp', content: await bombs.zeros(MAX_ATTACHMENT + 1, false) }]);
      assert.equal(over.statusCode, 422);
      assert.ok(over.body.includes('“exact.bin” is larger than 2.0 MB.'));
      await nothingStored();

      const exact = await post({ sealed }, [{ filename: 'attachment-1.pgp', content: await bombs.zeros(MAX_ATTACHMENT, false) }]);
      assert.equal(exact.statusCode, 303, /<ul>(.*?)<\/ul>/.exec(exact.body)?.[1]);
      const stored = await t.ctx.db.selectFrom('report_attachments').select('size').execute();
      assert.deepEqual(stored.map((a) => a.size), [MAX_ATTACHMENT]);
    });

    it('counts encrypted files against the attachment limit before decrypting any', async () => {
      const before = (await t.ctx.db.selectFrom('reports').select('id').execute()).length;
      const sealed = (await bombs.text(sealedReport(['a', 'b', 'c']), true)).toString();
      const file = await bombs.text('proof of concept', false);
      const res = await post({ sealed }, ['1', '2', '3'].map((i) => ({ filename: `attachment-${i}.pgp`, content: file })));
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /At most 2 files can be attached at once\./);
      assert.equal((await t.ctx.db.selectFrom('reports').select('id').execute()).length, before, 'nothing stored');
    });
  });
}
