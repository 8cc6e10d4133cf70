import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { lazySchemaCompilers } from '../../src/web/schema-compilers.ts';

// The app builds Fastify with these (src/web/app.ts); a route that declares a JSON schema must get
// the same validation and serialization as with Fastify's defaults.
describe('Fastify schema compilers, loaded on first use', () => {
  it('validate a body and serialize a response as the defaults do', async () => {
    const app = Fastify({ schemaController: { compilersFactory: lazySchemaCompilers } });
    app.post(
      '/echo',
      {
        schema: {
          body: { type: 'object', required: ['n'], properties: { n: { type: 'integer', minimum: 1 } }, additionalProperties: false },
          response: { 200: { type: 'object', properties: { twice: { type: 'integer' } } } },
        },
      },
      async (req) => ({ twice: (req.body as { n: number }).n * 2, secret: 'not in the schema' }),
    );
    try {
      const ok = await app.inject({ method: 'POST', url: '/echo', payload: { n: 21 } });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json(), { twice: 42 }, 'the response schema drops what it does not name');
      const bad = await app.inject({ method: 'POST', url: '/echo', payload: { n: 0 } });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().message, /body\/n must be >= 1/);
      // Fastify's Ajv settings drop properties a closed schema does not name, rather than refusing the body.
      const extra = await app.inject({ method: 'POST', url: '/echo', payload: { n: 1, m: 2 } });
      assert.deepEqual([extra.statusCode, extra.json()], [200, { twice: 2 }]);
    } finally {
      await app.close();
    }
  });
});
