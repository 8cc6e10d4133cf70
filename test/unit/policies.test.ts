import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { can, type StaffActor } from '../../src/auth/policies.ts';
import type { Role } from '../../src/db/schema.ts';

function actor(role: Role | undefined): StaffActor {
  return { kind: 'staff', userId: 'u', email: 'e', displayName: 'd', roles: new Map(role ? [['p1', role]] : []) };
}
const report = { program_id: 'p1', restricted_to: null };
const other = { program_id: 'p2', restricted_to: null };

describe('authorization matrix', () => {
  const matrix: [Role | undefined, { view: boolean; edit: boolean; manage: boolean; publish: boolean }][] = [
    ['admin', { view: true, edit: true, manage: true, publish: true }],
    ['lead', { view: true, edit: true, manage: false, publish: true }],
    ['triager', { view: true, edit: true, manage: false, publish: false }],
    ['viewer', { view: true, edit: false, manage: false, publish: false }],
    [undefined, { view: false, edit: false, manage: false, publish: false }],
  ];
  for (const [role, expected] of matrix) {
    it(`${role ?? 'no role'}: view=${expected.view} edit=${expected.edit} manage=${expected.manage}`, () => {
      const a = actor(role);
      assert.equal(can.viewReport(a, report), expected.view);
      assert.equal(can.editReport(a, report), expected.edit);
      assert.equal(can.manageStaff(a, 'p1'), expected.manage);
      assert.equal(can.viewInbox(a, 'p1'), expected.view);
      assert.equal(can.editAdvisory(a, 'p1'), expected.edit);
      assert.equal(can.publishAdvisory(a, 'p1'), expected.publish);
      // Subscribers' addresses are personal data: leads and admins only (the same set that publishes advisories).
      assert.equal(can.viewSubscribers(a, 'p1'), expected.publish);
      assert.equal(can.removeSubscriber(a, 'p1'), expected.publish);
      assert.equal(can.viewSubscribers(a, 'p2'), false);
      assert.equal(can.removeSubscriber(a, 'p2'), false);
      // A TLP:AMBER early notice hands embargoed words to customers: like publishing.
      assert.equal(can.sendEarlyNotice(a, 'p1'), expected.publish);
      assert.equal(can.sendEarlyNotice(a, 'p2'), false);
      assert.equal(can.editAdvisory(a, 'p2'), false);
      assert.equal(can.publishAdvisory(a, 'p2'), false);
      // Failed jobs and undelivered mail of the instance: admins; a report's mail: whoever edits it.
      assert.equal(can.operateJobs(a), expected.manage);
      assert.equal(can.retryReportMail(a, report), expected.edit);
      assert.equal(can.retryReportMail(a, other), false);
      // Staff accounts: admins only; an account with a role in a program the actor does not administer is out of reach.
      assert.equal(can.viewTeam(a), expected.manage);
      for (const action of [can.inviteStaff, can.changeStaffRole]) {
        assert.equal(action(a, 'p1'), expected.manage);
        assert.equal(action(a, 'p2'), false);
      }
      for (const action of [can.deactivateStaff, can.reactivateStaff, can.sendPasswordReset]) {
        assert.equal(action(a, { programIds: ['p1'] }), expected.manage);
        assert.equal(action(a, { programIds: [] }), expected.manage);
        assert.equal(action(a, { programIds: ['p1', 'p2'] }), false);
        assert.equal(action(a, { programIds: ['p2'] }), false);
      }
      // a role in one program grants nothing in another
      assert.equal(can.viewReport(a, other), false);
      assert.equal(can.editReport(a, other), false);
    });
  }
});
