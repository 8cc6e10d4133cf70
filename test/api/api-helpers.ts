import type { ApiScope } from '../../src/api/tokens/token-scopes.ts';
import { createApiToken } from '../../src/api/tokens/api-tokens.ts';
import { demoProgram } from '../../src/programs/demo-program.ts';
import { loadProgram, syncPrograms, type Program } from '../../src/programs/programs.ts';
import type { Db } from '../../src/db/database.ts';
import { makeStaff } from '../helpers/factories.ts';
import type { TestApp } from '../helpers/http-app.ts';

export const ALL_SCOPES: ApiScope[] = ['reports:submit', 'reports:read', 'reports:write'];

let seq = 0;

/** A fresh token of the demo program (or `programId`), created as an admin would. */
export async function makeApiToken(db: Db, scopes: ApiScope[] = ALL_SCOPES, options: { programId?: string; name?: string } = {}): Promise<{ id: string; token: string }> {
  const admin = await makeStaff(db, 'admin');
  const programId = options.programId ?? (await loadProgram(db, { slug: 'example' }))!.id;
  return createApiToken(db, { programId, input: { name: options.name ?? `test token ${++seq}`, scopes }, createdBy: admin.id });
}

/** A second program, so tests can check that tokens never see across programs. */
export async function otherProgram(db: Db): Promise<Program> {
  await syncPrograms(db, [{ ...demoProgram, slug: 'other', name: 'Other program', referencePrefix: 'OTH' }]);
  return (await loadProgram(db, { slug: 'other' }))!;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** A JSON client for the API through fastify.inject, with or without a bearer token. */
export function apiClient(t: TestApp, token?: string) {
  async function call(method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const res = await t.app.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(payload !== undefined ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
    });
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: res.body, json };
  }
  return {
    get: (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers),
    post: (url: string, payload: unknown, headers?: Record<string, string>) => call('POST', url, payload, headers),
  };
}

/** A valid API submission: the web form's fields, without policyVersion (meaning "current"). */
export function submission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'SSRF in the webhook tester',
    product: 'example-gateway',
    productVersion: '2.3.0',
    vulnerabilityType: 'ssrf',
    description: 'The webhook tester fetches any URL, including http://169.254.169.254/ metadata.',
    stepsToReproduce: '1. Open Settings › Webhooks\n2. Test http://169.254.169.254/latest/meta-data/',
    impact: 'Cloud credentials of the gateway host can be read.',
    reporterName: 'Grace Hopper',
    reporterEmail: 'grace@example.org',
    creditPreference: 'name',
    acceptPolicy: 'yes',
    ...overrides,
  };
}
