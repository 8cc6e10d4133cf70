import { z } from 'zod';
import { API_ERROR_CODES, apiErrorSchema, type ApiErrorCode } from '../api-errors.ts';
import { bodySchema, type AnyEndpoint, type SchemaEnv } from '../endpoint.ts';
import { SCOPE_DESCRIPTIONS } from '../tokens/token-scopes.ts';

type Json = Record<string, unknown>;

/**
 * Converts a zod schema to JSON Schema 2020-12 (OpenAPI 3.1's dialect). Named
 * schemas (`.meta({ id })`) move into `components` and are referenced there.
 */
function converter(components: Record<string, unknown>) {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$schema' || k === '$defs') continue;
      out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : rewrite(v);
    }
    return out;
  };
  return (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
    for (const [name, def] of Object.entries((json.$defs as Json | undefined) ?? {})) components[name] ??= rewrite(def);
    return rewrite(json) as Json;
  };
}

function parameters(convert: ReturnType<typeof converter>, schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = convert(schema, 'input');
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries((json.properties as Record<string, Json> | undefined) ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

/** Every error status an endpoint can answer, with the codes behind it. */
function errorResponses(codes: readonly ApiErrorCode[]): Json {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of ['unauthorized', 'rate_limited', 'database_unavailable', ...codes] as ApiErrorCode[]) {
    const status = API_ERROR_CODES[code].status;
    byStatus.set(status, [...new Set([...(byStatus.get(status) ?? []), code])]);
  }
  const out: Json = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: list.map((c) => `${c}: ${API_ERROR_CODES[c].description}`).join(' '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}

/** The OpenAPI 3.1 document of the API, generated from the same endpoint definitions that serve it. */
export function buildOpenApiDocument(endpoints: readonly AnyEndpoint[], env: SchemaEnv, baseUrl: string): Json {
  const components: Record<string, unknown> = {};
  const convert = converter(components);
  // A named root comes back as a $ref to its definition, which lands in components.
  convert(apiErrorSchema, 'output');
  const paths: Record<string, Json> = {};
  for (const e of endpoints) {
    const body = bodySchema(e, env);
    const responses: Json = {};
    for (const [status, r] of Object.entries(e.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) } : {}),
        ...(r.schema
          ? { content: { 'application/json': { schema: convert(r.schema, 'output') } } }
          : r.contentType
            ? { content: { [r.contentType]: { schema: { type: 'string', contentMediaType: r.contentType } } } }
            : {}),
      };
    }
    paths[e.path] ??= {};
    paths[e.path]![e.method.toLowerCase()] = {
      operationId: e.operationId,
      summary: e.summary,
      description: [e.description, `Scopes: ${e.scopes.join(' or ')}.`].filter(Boolean).join('\n\n'),
      tags: ['reports'],
      security: [{ bearerToken: [] }],
      'x-embargo-scopes': e.scopes,
      parameters: [...parameters(convert, e.params, 'path'), ...parameters(convert, e.query, 'query')],
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: convert(body, 'input') } } } } : {}),
      responses: { ...responses, ...errorResponses(e.errors) },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Embargo API',
      version: '1',
      description:
        'Submit, read and work vulnerability reports. Authenticate with an API token (Authorization: Bearer emb_…) that an administrator created for one program. Scopes: ' +
        Object.entries(SCOPE_DESCRIPTIONS).map(([s, d]) => `${s} (${d})`).join('; ') +
        '. Fields are only ever added to answers; ignore the ones you do not know.',
    },
    servers: [{ url: baseUrl }],
    tags: [{ name: 'reports', description: 'Reports of the token’s program' }],
    components: {
      securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', description: 'An Embargo API token, emb_ followed by 43 characters.' } },
      schemas: components,
    },
    paths,
  };
}
