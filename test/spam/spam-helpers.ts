import assert from 'node:assert/strict';
import type { Db } from '../../src/db/database.ts';
import { makeStaff } from '../helpers/factories.ts';
import { Client, type TestApp } from '../helpers/http-app.ts';
import type { Role } from '../../src/db/schema.ts';

/** A signed-in staff client of the given role. */
export async function signIn(t: TestApp, role: Role, name?: string): Promise<{ c: Client; id: string }> {
  const user = await makeStaff(t.ctx.db, role, name);
  const c = await Client.signedIn(t.app, user);
  return { c, id: user.id };
}

/** The fields of a good-faith web report; override to make it look like spam. */
export const goodReport: Record<string, string> = {
  title: 'Account takeover through the password reset link',
  product: 'example-cloud',
  productVersion: '4.2.1',
  vulnerabilityType: 'auth',
  description: 'The password reset token is not bound to the account it was issued for, so a token issued to me resets any other account when I change the user id parameter.',
  stepsToReproduce: '1. Request a reset for attacker@example.org\n2. Open the link and change uid=2 to uid=1 in the URL\n3. Set a new password: it is the admin’s',
  impact: 'Anyone can take over any account, including administrators.',
  reporterEmail: 'grace@example.org',
  creditPreference: 'anonymous',
  acceptPolicy: 'yes',
  policyVersion: '1',
};

/** A short, stepless, AI-found report: two weak signals and more. */
export const lowEffortReport: Record<string, string> = {
  ...goodReport,
  title: 'Critical vulnerability found',
  description: 'Your website has a critical vulnerability.',
  stepsToReproduce: 'see description',
  impact: 'Hackers can hack it.',
  aiAssistance: 'finding',
};

/** Submits through the public web form; returns the new report's id. */
export async function submitWeb(t: TestApp, fields: Record<string, string>): Promise<{ id: string; reference: string; quarantined: boolean; reasons: string[] }> {
  const c = new Client(t.app);
  const csrf = Client.csrf((await c.get('/report')).body);
  const res = await c.postMultipart('/report', { ...fields, _csrf: csrf });
  assert.equal(res.statusCode, 303, res.body.slice(0, 500));
  return latestReport(t.ctx.db);
}

export async function latestReport(db: Db) {
  const r = await db
    .selectFrom('reports')
    .select(['id', 'reference', 'quarantined', 'quarantine_reasons'])
    .orderBy('created_at', 'desc')
    .orderBy('reference', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return { id: r.id, reference: r.reference, quarantined: r.quarantined, reasons: r.quarantine_reasons };
}
