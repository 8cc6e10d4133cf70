import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type Factories = Required<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>>;

// Fastify's own copies, resolved from where Fastify is installed, exactly as it would load them.
const fromFastify = createRequire(import.meta.resolve('fastify'));
/** Both factories take (external schemas, options) and return a compiler; their declared types are overloads Fastify casts itself. */
type Factory = (externalSchemas: unknown, options: unknown) => unknown;
let validator: Factory | undefined;
let serializer: Factory | undefined;

/**
 * Fastify's JSON-schema compilers (Ajv and fast-json-stringify, 1 MB of code
 * and 90 modules), loaded when a route first declares a schema instead of
 * when the server is built. No route does today: request bodies are checked
 * with zod beside each route. Fastify builds its defaults in the same way
 * (`require('@fastify/ajv-compiler')()`), so a route that adds a schema later
 * behaves as with the defaults.
 */
export const lazySchemaCompilers = {
  buildValidator: (externalSchemas: unknown, options: unknown) => (validator ??= (fromFastify('@fastify/ajv-compiler') as () => Factory)())(externalSchemas, options),
  buildSerializer: (externalSchemas: unknown, options: unknown) => (serializer ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => Factory)())(externalSchemas, options),
} as Factories;
