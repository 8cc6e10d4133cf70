import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { loadProgram, type Program } from '../programs/programs.ts';
import { authenticateApi, requireJsonBody, requireScope } from './api-auth.ts';
import { parseApiInput, type ApiErrorCode } from './api-errors.ts';
import type { ApiPrincipal } from './tokens/api-tokens.ts';
import type { ApiScope } from './tokens/token-scopes.ts';

/** What a body schema may depend on: the program's products, its policy version and the upload limits. */
export interface SchemaEnv {
  productIds: readonly string[];
  /** The program's current policy version. */
  policyVersion: number;
  uploads: Config['uploads'];
}

export interface ResponseDoc {
  description: string;
  /** JSON body; absent for downloads and empty answers. */
  schema?: z.ZodType;
  /** Set for non-JSON answers (attachment downloads). */
  contentType?: string;
  headers?: Readonly<Record<string, string>>;
}

export interface EndpointCall<P, Q, B> {
  req: FastifyRequest;
  reply: FastifyReply;
  principal: ApiPrincipal;
  params: P;
  query: Q;
  body: B;
  /** The token's program, loaded once per request when asked for. */
  program(): Promise<Program>;
}

/**
 * One API endpoint: what it accepts (zod schemas, the single source of both
 * validation and the OpenAPI document), which scopes may call it, what it
 * answers, and the handler. Registration and documentation both read this.
 */
export interface Endpoint<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'GET' | 'POST';
  /** OpenAPI style: /api/v1/reports/{reference}. */
  path: `/api/v1/${string}`;
  operationId: string;
  summary: string;
  description?: string;
  /** Any one of these lets a token call it. */
  scopes: readonly ApiScope[];
  params?: P;
  query?: Q;
  body?: B | ((env: SchemaEnv) => B);
  /** Bytes; the app-wide default (1 MiB) otherwise. */
  bodyLimit?: (uploads: Config['uploads']) => number;
  responses: Readonly<Record<number, ResponseDoc>>;
  /** Error codes this endpoint can answer besides unauthorized and rate_limited (documented). */
  errors: readonly ApiErrorCode[];
  handler(call: EndpointCall<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEndpoint = Endpoint<any, any, any>;

/** Identity, for inference: the handler's params, query and body get their types from the schemas. */
export function defineEndpoint<P extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
  endpoint: Endpoint<P, Q, B>,
): Endpoint<P, Q, B> {
  return endpoint;
}

export function bodySchema(endpoint: AnyEndpoint, env: SchemaEnv): z.ZodType | undefined {
  const b = endpoint.body;
  return typeof b === 'function' ? (b as (env: SchemaEnv) => z.ZodType)(env) : b;
}

export function schemaEnv(program: Program, uploads: Config['uploads']): SchemaEnv {
  return { productIds: program.config.products.map((p) => p.id), policyVersion: program.policy.version, uploads };
}

/**
 * Registers an endpoint. The checklist, in order: authenticate and rate-limit
 * the token, check its scope, insist on JSON (all before the body is read),
 * then validate path, query and body, and run the handler.
 */
export function mountEndpoint(app: FastifyInstance, ctx: AppContext, endpoint: AnyEndpoint): void {
  const url = endpoint.path.replace(/\{(\w+)\}/g, ':$1');
  const onRequest = [authenticateApi(ctx), requireScope(endpoint.scopes), ...(endpoint.body ? [requireJsonBody()] : [])];
  app.route({
    method: endpoint.method,
    url,
    onRequest,
    ...(endpoint.bodyLimit ? { bodyLimit: endpoint.bodyLimit(ctx.config.uploads) } : {}),
    handler: async (req, reply) => {
      const principal = req.apiPrincipal!;
      let program: Promise<Program> | undefined;
      const loadTokenProgram = () =>
        (program ??= loadProgram(ctx.db, { id: principal.programId }).then((p) => {
          if (!p) throw new NotFoundError('This program');
          return p;
        }));
      // A malformed reference or id names nothing: "not found", like any other unknown one.
      const params = endpoint.params ? endpoint.params.safeParse(req.params) : undefined;
      if (params && !params.success) throw new NotFoundError('This resource');
      const query = endpoint.query ? parseApiInput(endpoint.query, req.query ?? {}) : undefined;
      const schema = typeof endpoint.body === 'function' ? bodySchema(endpoint, schemaEnv(await loadTokenProgram(), ctx.config.uploads)) : endpoint.body;
      const body = schema ? parseApiInput(schema, req.body ?? {}) : undefined;
      return endpoint.handler({ req, reply, principal, params: params?.data, query, body, program: loadTokenProgram });
    },
  });
}
