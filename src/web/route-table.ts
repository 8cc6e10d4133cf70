import type { FastifyInstance } from 'fastify';

/** One registered route: what the authorization test (test/auth/route-authorization.test.ts) must have an expectation for. */
export interface RouteEntry {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app registered, in order (HEAD routes Fastify adds for GETs left out). */
    routeTable: RouteEntry[];
  }
}

/**
 * Records every route as it is registered, so the route list can be checked
 * against a table of expectations: a new route without an entry fails that test.
 * Must run before any route is registered.
 */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      table.push({ method, url: route.url });
    }
  });
}
