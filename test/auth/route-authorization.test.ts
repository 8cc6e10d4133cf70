import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databaseKinds } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/http-app.ts';
import { ACTORS, PROGRAM_A_MARK, RESTRICTED_MARK, buildFixtures, type ActorName, type Caller, type Fixtures } from './route-fixtures.ts';
import { EXPECTED, type Outcome } from './route-expectations.ts';

/**
 * Every staff and API route, for every actor, against ONE table of
 * expectations (route-expectations.ts), on both databases. The routes come
 * from the app's own route table (src/web/route-table.ts): a route added
 * without an entry in the table fails here. Posts carry a valid CSRF token, so
 * what answers is the authorization check, not the CSRF check.
 */

const isGuarded = (url: string) => url.startsWith('/staff') || url.startsWith('/api/v1/');
const isApi = (url: string) => url.startsWith('/api/');

function idFor(url: string, caller: Caller, fx: Fixtures): string {
  const restricted = caller.ref === fx.refR;
  if (/\/attachments\/:id$/.test(url)) return restricted ? fx.ids.attachmentR! : fx.ids.attachmentA!;
  if (url.startsWith('/staff/team/:id')) return fx.ids.victim!;
  if (url.startsWith('/staff/canned-responses/:id')) return fx.ids.canned!;
  if (url.startsWith('/staff/advisories/:id')) return restricted ? fx.ids.advisoryR! : fx.ids.advisory!;
  if (url.startsWith('/staff/api-tokens/:id')) return fx.ids.apiToken!;
  return fx.ids.missing!;
}

/** The route's URL with its parameters filled for this caller. */
function concrete(url: string, caller: Caller, fx: Fixtures): string {
  return url
    .replace(':reference', caller.ref)
    .replace(':ref', caller.ref)
    .replace(':caseId', fx.ids.missing!)
    .replace(':mailId', fx.ids.missing!)
    .replace(':step', 'initial')
    .replace('.:format', '.json')
    .replace(':file', 'early-warning.txt')
    .replace(':token', 'x'.repeat(43))
    .replace(':id', idFor(url, caller, fx));
}

/** Form fields a post sends (besides the CSRF token): none, so an allowed actor meets validation, except where an empty form would change what later checks see. */
const BODIES: Record<string, (fx: Fixtures) => Record<string, string>> = {
  // An empty form restricts the report to the sender; "lift" on an unrestricted report changes nothing.
  'POST /staff/reports/:ref/access': () => ({ action: 'lift' }),
  // Valid forms where a route validates before it authorizes, so the answer is the authorization's.
  'POST /staff/approvals/settings': (fx) => ({ programId: fx.ids.programA!, on: 'no' }),
  'POST /staff/team/:id/role': (fx) => ({ program: fx.ids.programA!, role: 'triager' }),
  'POST /staff/reports/:ref/cra/mark': () => ({ kind: 'exploited-vulnerability', awareAt: '2026-12-01T10:00' }),
  // Program A's template: an admin of B (working on B, the program it has a role in) must not find it.
  'POST /staff/canned-responses/:id': () => ({ title: 'Thanks', body: 'Thank you for the report.', closureReason: '' }),
};

/** JSON bodies an API post sends: valid ones, so the answer is the token's authorization, not validation (the API validates first). */
const API_BODIES: Record<string, unknown> = {
  'POST /api/v1/reports/:reference/messages': { body: 'An internal note from the authorization test.', visibility: 'internal' },
  'POST /api/v1/reports/:reference/state': { to: 'new' },
  'POST /api/v1/reports/:reference/assignee': { assignee: null },
  'POST /api/v1/reports/:reference/severity': { vector: null },
  'POST /api/v1/reports/:reference/disclosure-date': { date: '2027-01-15' },
};

type Resp = Awaited<ReturnType<TestApp['app']['inject']>>;

async function call(t: TestApp, fx: Fixtures, method: string, url: string, caller: Caller): Promise<Resp> {
  // Routes that delete what they name get it back before each caller, so every caller meets the same object.
  await fx.restore(`${method} ${url}`);
  const path = concrete(url, caller, fx);
  const headers: Record<string, string> = {};
  if (isApi(url)) {
    if (caller.token) headers.authorization = `Bearer ${caller.token}`;
    // A staff session does not authenticate the API: sent anyway, to show it.
    if (caller.session) headers.cookie = `embargo_session=${caller.session}`;
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      return t.app.inject({ method: 'POST', url: path, headers, payload: JSON.stringify(API_BODIES[`${method} ${url}`] ?? {}) });
    }
    return t.app.inject({ method: 'GET', url: path, headers });
  }
  const session = caller.userId && `${method} ${url}` === 'POST /staff/logout' ? await fx.freshSession(caller.userId) : caller.session;
  const cookies = [caller.csrf?.cookie, session ? `embargo_session=${session}` : undefined].filter(Boolean);
  if (cookies.length) headers.cookie = cookies.join('; ');
  if (caller.token) headers.authorization = `Bearer ${caller.token}`;
  if (method === 'GET') return t.app.inject({ method: 'GET', url: path, headers });
  if (caller.csrf) headers['x-csrf-token'] = caller.csrf.token;
  if (url === '/staff/reports/:ref/messages') {
    const form = new FormData();
    form.append('_csrf', caller.csrf?.token ?? '');
    const encoded = new Response(form);
    headers['content-type'] = encoded.headers.get('content-type')!;
    return t.app.inject({ method: 'POST', url: path, headers, payload: Buffer.from(await encoded.arrayBuffer()) });
  }
  headers['content-type'] = 'application/x-www-form-urlencoded';
  const fields = { _csrf: caller.csrf?.token ?? '', ...(BODIES[`${method} ${url}`]?.(fx) ?? {}) };
  return t.app.inject({ method: 'POST', url: path, headers, payload: new URLSearchParams(fields).toString() });
}

/** What a response means for authorization. */
function outcomeOf(res: Resp): Outcome | string {
  const location = String(res.headers.location ?? '');
  if ((res.statusCode === 302 || res.statusCode === 303) && location.startsWith('/staff/login')) return 'login';
  if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 404) return res.statusCode;
  if (res.statusCode >= 500) return `error ${res.statusCode}`;
  return 'ok';
}

for (const kind of await databaseKinds()) {
  describe(`authorization of every staff and API route (${kind})`, () => {
    let t: TestApp;
    let fx: Fixtures;
    before(async () => {
      t = await startTestApp(kind);
      fx = await buildFixtures(t);
    });
    after(async () => {
      await t?.close();
    });

    it('has exactly one expectation per staff and API route: a new route without an entry fails', () => {
      const guarded = t.app.routeTable.filter((r) => isGuarded(r.url)).map((r) => `${r.method} ${r.url}`);
      const missing = guarded.filter((k) => !(k in EXPECTED));
      const stale = Object.keys(EXPECTED).filter((k) => !guarded.includes(k));
      assert.deepEqual(missing, [], `routes without an expectation: add them to test/auth/route-expectations.ts`);
      assert.deepEqual(stale, [], 'expectations of routes that no longer exist');
      assert.ok(guarded.length > 100, `only ${guarded.length} routes found: the route table is not being read`);
    });

    it('answers every actor on every route as the table says, and leaks no content', async () => {
      const failures: string[] = [];
      const observed: string[] = [];
      for (const route of t.app.routeTable.filter((r) => isGuarded(r.url))) {
        const key = `${route.method} ${route.url}`;
        const row: Outcome[] = EXPECTED[key] ?? [];
        const got: (Outcome | string)[] = [];
        for (const [i, actor] of ACTORS.entries()) {
          const caller = fx.callers[actor];
          const res = await call(t, fx, route.method, route.url, caller);
          const outcome = outcomeOf(res);
          got.push(outcome);
          if (row.length && outcome !== row[i]) failures.push(`${key} as ${actor}: expected ${row[i]}, got ${outcome} (${res.statusCode} ${String(res.headers.location ?? res.body.slice(0, 120))})`);
          // Whoever is not named on the restricted report never reads a word of it; program B and visitors never read program A's.
          const body = res.body.toLowerCase();
          if (actor !== 'lead' && body.includes(RESTRICTED_MARK)) failures.push(`${key} as ${actor}: the restricted report's contents leaked`);
          if ((actor === 'other' || actor === 'anon') && body.includes(PROGRAM_A_MARK)) failures.push(`${key} as ${actor}: program A's report leaked`);
        }
        observed.push(`  '${key}': [${got.map((o) => (typeof o === 'number' ? o : `'${o}'`)).join(', ')}],`);
      }
      if (process.env.AUTHZ_PRINT) console.log(observed.join('\n'));
      assert.deepEqual(failures, []);
    });

    it('needs no sign-in on public routes', async () => {
      const anon = fx.callers.anon;
      const refused: string[] = [];
      for (const route of t.app.routeTable.filter((r) => !isGuarded(r.url) && r.method === 'GET')) {
        const res = await call(t, fx, route.method, route.url, anon);
        const outcome = outcomeOf(res);
        if (outcome === 'login' || outcome === 401 || outcome === 403) refused.push(`${route.url}: ${outcome}`);
      }
      assert.deepEqual(refused, []);
    });
  });
}

export type { ActorName };
