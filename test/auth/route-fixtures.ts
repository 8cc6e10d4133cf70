import { randomUUID } from 'node:crypto';
import { draftAdvisoryFromReport } from '../../src/advisories/advisory-store.ts';
import { createApiToken } from '../../src/api/tokens/api-tokens.ts';
import { createCannedResponse } from '../../src/canned/canned-responses.ts';
import type { Role } from '../../src/db/schema.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { loadProgram, syncPrograms } from '../../src/programs/programs.ts';
import { restrictReport } from '../../src/reports/restrict-report.ts';
import { submitReport } from '../../src/reports/submit-report.ts';
import { createSession } from '../../src/staff/sessions.ts';
import { loadSession } from './session-actor.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { reportInput } from '../helpers/factories.ts';
import { Client, type TestApp } from '../helpers/http-app.ts';

/** Words only the restricted report holds: no response to anyone not named on it may contain them. */
export const RESTRICTED_MARK = 'zebrafishcanary';
/** Words only program A's ordinary report holds: no response to staff of program B or to anonymous visitors may contain them. */
export const PROGRAM_A_MARK = 'okapicanary';

export const ACTORS = ['anon', 'admin', 'lead', 'triager', 'viewer', 'other', 'restricted', 'token'] as const;
export type ActorName = (typeof ACTORS)[number];

/** How an actor calls: a staff session (web routes), an API token (API routes), and which report it names. */
export interface Caller {
  name: ActorName;
  userId?: string;
  session?: string;
  csrf?: { token: string; cookie: string };
  token?: string;
  /** Its :ref / :reference: program A's ordinary report, or the restricted one. */
  ref: string;
}

export interface Fixtures {
  callers: Record<ActorName, Caller>;
  refA: string;
  refR: string;
  ids: Record<string, string>;
  freshSession(userId: string): Promise<string>;
  /** Puts back what a deleting route removed, so the next caller meets the same object. */
  restore(routeKey: string): Promise<void>;
}

const PASSWORD = 'correct horse battery staple';
let seq = 0;

async function staff(t: TestApp, role: Role, programId: string, name: string) {
  const email = `authz-${++seq}-${Date.now()}@example.com`;
  const u = await createStaffUser(t.ctx.db, { email, displayName: name, password: PASSWORD, role }, [programId]);
  return { id: u.id, email };
}

/** A CSRF token and the cookie it belongs to, as a browser holds them after opening any staff page. */
async function csrfFor(t: TestApp): Promise<{ token: string; cookie: string }> {
  const c = new Client(t.app);
  const page = await c.get('/staff/login');
  return { token: Client.csrf(page.body), cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
}

/**
 * Program A (the demo) with one member per role, program B with its admin, an
 * ordinary report of A (with an attachment), a report of A restricted to its
 * lead, and the objects routes name by id.
 */
export async function buildFixtures(t: TestApp): Promise<Fixtures> {
  const db = t.ctx.db;
  const a = (await loadProgram(db, { slug: 'example' }))!;
  await syncPrograms(db, [demoProgram, { ...demoProgram, slug: 'other', name: 'Other program', referencePrefix: 'OTH' }]);
  const b = (await loadProgram(db, { slug: 'other' }))!;
  const admin = await staff(t, 'admin', a.id, 'Ada Admin');
  const lead = await staff(t, 'lead', a.id, 'Lee Lead');
  const triager = await staff(t, 'triager', a.id, 'Tri Ager');
  const viewer = await staff(t, 'viewer', a.id, 'Vi Ewer');
  const otherAdmin = await staff(t, 'admin', b.id, 'Bo Other');
  const victim = await staff(t, 'triager', a.id, 'Vic Tim');

  const ordinary = await submitReport(db, t.ctx.vault, {
    program: a,
    input: reportInput(a, { title: `Stored XSS in the ${PROGRAM_A_MARK} widget`, description: `The ${PROGRAM_A_MARK} widget renders names unescaped.` }),
    files: [{ filename: `${PROGRAM_A_MARK}.txt`, contentType: 'text/plain', content: Buffer.from(`proof ${PROGRAM_A_MARK}`) }],
    channel: 'web',
  });
  const restricted = await submitReport(db, t.ctx.vault, {
    program: a,
    input: reportInput(a, { title: `Heap overflow in the ${RESTRICTED_MARK} parser`, description: `A crafted ${RESTRICTED_MARK} file overflows the heap.` }),
    files: [{ filename: `${RESTRICTED_MARK}.txt`, contentType: 'text/plain', content: Buffer.from(`proof ${RESTRICTED_MARK}`) }],
    channel: 'web',
  });
  const leadActor = await loadSession(t, lead.id);
  await restrictReport(db, { actor: leadActor, reportId: restricted.id, staffIds: [lead.id] });
  const refOf = async (id: string) => (await db.selectFrom('reports').select('reference').where('id', '=', id).executeTakeFirstOrThrow()).reference;
  const refA = await refOf(ordinary.id);
  const refR = await refOf(restricted.id);
  const attachment = async (reportId: string) => (await db.selectFrom('report_attachments').select('id').where('report_id', '=', reportId).executeTakeFirstOrThrow()).id;

  const canned = await createCannedResponse(db, { programId: a.id, actorId: admin.id, form: { title: 'Thanks', body: 'Thank you for the report.', closureReason: null } });
  const advisory = await draftAdvisoryFromReport(db, t.ctx.vault, { reportReference: refA, actorId: lead.id });
  const advisoryR = await draftAdvisoryFromReport(db, t.ctx.vault, { reportReference: refR, actorId: lead.id });
  const scopes = ['reports:submit', 'reports:read', 'reports:write'] as const;
  const tokenA = await createApiToken(db, { programId: a.id, input: { name: 'authz A', scopes: [...scopes] }, createdBy: admin.id });
  const tokenB = await createApiToken(db, { programId: b.id, input: { name: 'authz B', scopes: [...scopes] }, createdBy: otherAdmin.id });
  const tokenToRevoke = await createApiToken(db, { programId: a.id, input: { name: 'authz revoke me', scopes: ['reports:read'] }, createdBy: admin.id });

  const caller = async (name: ActorName, user: { id: string } | undefined, ref: string, token?: string): Promise<Caller> => ({
    name,
    ...(user ? { userId: user.id, session: await createSession(db, user.id), csrf: await csrfFor(t) } : {}),
    ...(token ? { token } : {}),
    ref,
  });
  const callers: Record<ActorName, Caller> = {
    anon: { name: 'anon', ref: refA, csrf: await csrfFor(t) },
    admin: await caller('admin', admin, refA),
    lead: await caller('lead', lead, refA),
    triager: await caller('triager', triager, refA),
    viewer: await caller('viewer', viewer, refA),
    other: await caller('other', otherAdmin, refA, tokenB.token),
    // An admin of program A who is not named on the restricted report (admins are not above a restriction).
    restricted: await caller('restricted', admin, refR, tokenA.token),
    token: { name: 'token', ref: refA, token: tokenA.token, csrf: await csrfFor(t) },
  };
  const ids: Record<string, string> = {
      attachmentA: await attachment(ordinary.id),
      attachmentR: await attachment(restricted.id),
      victim: victim.id,
      canned,
      advisory: advisory.id,
      advisoryR: advisoryR.id,
      apiToken: tokenToRevoke.id,
      missing: randomUUID(),
      programA: a.id,
  };
  async function restore(routeKey: string): Promise<void> {
    if (routeKey === 'POST /staff/advisories/:id/discard') ids.advisory = (await draftAdvisoryFromReport(db, t.ctx.vault, { reportReference: refA, actorId: lead.id })).id;
    if (routeKey === 'POST /staff/canned-responses/:id/delete') {
      const left = await db.selectFrom('canned_responses').select('id').where('id', '=', ids.canned!).executeTakeFirst();
      if (!left) ids.canned = await createCannedResponse(db, { programId: a.id, actorId: admin.id, form: { title: `Thanks ${++seq}`, body: 'Thank you for the report.', closureReason: null } });
    }
    if (routeKey === 'POST /staff/api-tokens/:id/revoke') {
      ids.apiToken = (await createApiToken(db, { programId: a.id, input: { name: `authz revoke me ${++seq}`, scopes: ['reports:read'] }, createdBy: admin.id })).id;
    }
  }
  return { callers, refA, refR, ids, restore, freshSession: (userId: string) => createSession(db, userId) };
}
