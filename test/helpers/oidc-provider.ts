import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Account } from 'oidc-provider';

/** A person at the test provider; tests change `groups` between sign-ins. */
export interface IdpPerson {
  email: string;
  name: string;
  groups: string[];
  emailVerified?: boolean;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** By login name (what the provider's development login form takes as the account id). */
  people: Map<string, IdpPerson>;
  /**
   * While true, the provider's final redirect back to the client is not sent: the browser gets a
   * plain page instead and the URL lands in `held` (for tests that replay or alter the callback).
   */
  holdCallbacks: boolean;
  held: string | undefined;
  close(): Promise<void>;
}

/**
 * A real, certified OpenID provider (the oidc-provider package) on 127.0.0.1, with one
 * confidential client whose redirect URI is `redirectUri`, PKCE required, an in-memory
 * account store with a groups claim, and the package's development login and consent forms.
 */
export async function startOidcProvider(redirectUri: string): Promise<TestIdp> {
  const people = new Map<string, IdpPerson>();
  let handler: ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => {
    if (!handler) return void res.writeHead(503).end();
    if (idp.holdCallbacks) {
      const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
      res.end = ((...args: unknown[]) => {
        const location = res.getHeader('location');
        if (typeof location === 'string' && location.startsWith(redirectUri) && !res.headersSent) {
          idp.held = location;
          res.statusCode = 200;
          res.removeHeader('location');
          res.setHeader('content-type', 'text/plain');
          res.removeHeader('content-length');
          return end('Redirect held by the test.');
        }
        return end(...args);
      }) as typeof res.end;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'embargo-test';
  const clientSecret = `secret-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    async findAccount(_ctx: unknown, id: string): Promise<Account | undefined> {
      if (!people.has(id)) return undefined;
      return {
        accountId: id,
        // Read at each sign-in: a change of groups shows at the next one.
        claims: () => {
          const p = people.get(id)!;
          return { sub: id, email: p.email, email_verified: p.emailVerified ?? true, name: p.name, groups: [...p.groups] };
        },
      };
    },
  });
  handler = provider.callback();
  const idp: TestIdp = {
    issuer,
    clientId,
    clientSecret,
    people,
    holdCallbacks: false,
    held: undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return idp;
}
