import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { issueSetupToken } from '../../src/staff/setup-token.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { Client, startTestApp } from '../helpers/http-app.ts';

const PARALLEL = 6;

for (const kind of await databaseKinds()) {
  describe(`the one-time setup link (${kind})`, () => {
    it(`makes exactly one admin out of ${PARALLEL} parallel posts; the others hear the link was already used`, async () => {
      const t = await startTestApp(kind);
      try {
        const token = await issueSetupToken(t.ctx.db);
        const clients = await Promise.all(
          Array.from({ length: PARALLEL }, async () => {
            const c = new Client(t.app);
            const page = await c.get(`/staff/setup/${token}`);
            assert.equal(page.statusCode, 200);
            return { c, csrf: Client.csrf(page.body) };
          }),
        );
        const answers = await Promise.all(
          clients.map(({ c, csrf }, i) =>
            c.postForm(`/staff/setup/${token}`, { _csrf: csrf, email: `admin${i}@example.com`, displayName: `Admin ${i}`, password: 'a long enough passphrase' }),
          ),
        );
        const users = await t.ctx.db.selectFrom('staff_users').select('email').execute();
        assert.equal(users.length, 1, `admins created: ${users.map((u) => u.email).join(', ')}`);
        const winners = answers.filter((a) => a.statusCode === 303);
        assert.equal(winners.length, 1, `answers: ${answers.map((a) => a.statusCode).join(', ')}`);
        const winnerIndex = answers.indexOf(winners[0]!);
        assert.equal(users[0]!.email, `admin${winnerIndex}@example.com`, 'the account created is the one whose post was answered with success');
        // The winner is signed in; the others are told plainly what happened, and get no session.
        assert.equal((await clients[winnerIndex]!.c.get('/staff/reports')).statusCode, 200);
        for (const [i, a] of answers.entries()) {
          if (i === winnerIndex) continue;
          assert.equal(a.statusCode, 409);
          assert.match(a.body, /already used/);
          assert.equal((await clients[i]!.c.get('/staff/reports')).statusCode, 303);
        }
      } finally {
        await t.close();
      }
    });

    it('keeps the link usable after a refused form, and refuses it once the account exists', async () => {
      const t = await startTestApp(kind);
      try {
        const token = await issueSetupToken(t.ctx.db);
        const c = new Client(t.app);
        const csrf = Client.csrf((await c.get(`/staff/setup/${token}`)).body);
        const weak = await c.postForm(`/staff/setup/${token}`, { _csrf: csrf, email: 'lead@example.com', displayName: 'Lead', password: 'short' });
        assert.equal(weak.statusCode, 422);
        const used = await t.ctx.db.selectFrom('setup_tokens').select('used_at').executeTakeFirstOrThrow();
        assert.equal(used.used_at, null, 'a refused form must not use up the link');
        const ok = await c.postForm(`/staff/setup/${token}`, { _csrf: csrf, email: 'lead@example.com', displayName: 'Lead', password: 'a long enough passphrase' });
        assert.equal(ok.statusCode, 303);
        const again = await new Client(t.app).get(`/staff/setup/${token}`);
        assert.equal(again.statusCode, 404);
      } finally {
        await t.close();
      }
    });
  });
}
