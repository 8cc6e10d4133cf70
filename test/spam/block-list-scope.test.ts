/** The block list is per program: an admin of another program neither sees an entry nor learns that it exists. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { otherProgram } from '../api/api-helpers.ts';
import { makeReport, makeStaff } from '../helpers/factories.ts';
import { Client, defaultAppDatabase, startTestApp, type TestApp } from '../helpers/http-app.ts';

describe('block-list entries of another program', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(defaultAppDatabase());
  });
  after(() => t.close());

  it('are "not found" to an admin of another program, exactly like an entry that does not exist, and stay', async () => {
    const report = await makeReport(t.ctx.db);
    const { program_id: programId } = await t.ctx.db.selectFrom('reports').select('program_id').where('id', '=', report.id).executeTakeFirstOrThrow();
    const owner = await makeStaff(t.ctx.db, 'admin', 'Home Admin');
    const entry = await t.ctx.db
      .insertInto('blocked_senders')
      .values({ program_id: programId, kind: 'email', value_hash: randomBytes(32), reason: 'Closed as spam.', report_id: report.id, blocked_by: owner.id, created_at: new Date(), expires_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();

    const other = await otherProgram(t.ctx.db);
    const email = `outsider-${Date.now()}@example.com`;
    await createStaffUser(t.ctx.db, { email, displayName: 'Olga Outsider', password: 'correct horse battery staple', role: 'admin' }, [other.id]);
    const outsider = await Client.signedIn(t.app, { email, password: 'correct horse battery staple' });

    const list = await outsider.get('/staff/blocks');
    assert.equal(list.statusCode, 200);
    assert.doesNotMatch(list.body, new RegExp(entry.id));
    const csrf = Client.csrf(list.body);
    const theirs = await outsider.postForm(`/staff/blocks/${entry.id}/remove`, { _csrf: csrf });
    const none = await outsider.postForm('/staff/blocks/00000000-0000-4000-8000-000000000000/remove', { _csrf: csrf });
    assert.equal(none.statusCode, 404);
    assert.equal(theirs.statusCode, 404, 'the same answer as for an entry that does not exist');
    assert.ok(await t.ctx.db.selectFrom('blocked_senders').select('id').where('id', '=', entry.id).executeTakeFirst(), 'still on the list');
  });
});
