import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type * as openpgp from 'openpgp';
import { openpgpLib } from '../../keys/openpgp-lib.ts';
import type { AppContext } from '../../context.ts';
import { buildSecurityTxt } from '../../domain/security-txt.ts';
import { splitAddress, wkdHash } from '../../domain/wkd.ts';
import { NotFoundError } from '../../errors.ts';
import { OPENPGP_CONFIG } from '../../keys/key-protection.ts';
import { activeKey, type StoredKey } from '../../keys/program-keys.ts';
import { signCleartextWith } from '../../keys/sign-cleartext.ts';
import { loadProgram } from '../../programs/programs.ts';
import type { ProgramConfig } from '../../programs/program-config.ts';
import { publicBaseUrl, requestProgram } from '../page-context.ts';

/**
 * Preferred-Languages (RFC 9116 §2.5.8): the languages the program really offers, its default first,
 * then any other language the team reads that securityTxt.preferredLanguages names (docs/languages.md).
 */
export function preferredLanguages(config: Pick<ProgramConfig, 'languages' | 'securityTxt'>): string[] {
  const { offered, default: first } = config.languages;
  const tags = [first, ...offered.filter((l) => l !== first), ...(config.securityTxt?.preferredLanguages ?? [])];
  // Tags compare without case (RFC 5646 §2.1.1); the first spelling stays.
  return tags.filter((t, i) => tags.findIndex((u) => u.toLowerCase() === t.toLowerCase()) === i);
}

// Public files other tools fetch; short caching so a rotated key shows up soon.
const CACHE = 'public, max-age=300';
const WKD_HASH = /^[ybndrfg8ejkmcpqxot1uwisza345h769]{32}$/;

/** The program's public face for machines: security.txt (RFC 9116), its OpenPGP key, and WKD. */
export function registerWellKnownRoutes(app: FastifyInstance, ctx: AppContext): void {
  const securityTxt = async (req: FastifyRequest, reply: FastifyReply) => {
    const program = await requestProgram(ctx, req);
    const key = await activeKey(ctx.db, program.id);
    const body = buildSecurityTxt({
      baseUrl: publicBaseUrl(ctx, program),
      contactEmail: program.config.contactEmail,
      contactOrder: program.config.securityTxt?.contactOrder,
      preferredLanguages: preferredLanguages(program.config),
      hasKey: key !== undefined,
      hasThanksPage: program.config.thanksPage !== false,
      now: new Date(), // Expires moves with every request, so the published file never expires
    });
    let text = body;
    if (key) {
      try {
        text = await signCleartextWith(ctx.secret, key, body);
      } catch (err) {
        // Unsigned is still a valid security.txt; failing the request would hide the contact.
        reply.log.error({ err, fingerprint: key.fingerprint }, 'could not sign security.txt: the instance secret does not open the active key');
      }
    }
    return reply.type('text/plain; charset=utf-8').header('cache-control', CACHE).send(text);
  };
  app.get('/.well-known/security.txt', securityTxt);
  app.get('/security.txt', securityTxt); // the legacy location RFC 9116 §3 still lets clients try

  app.get('/pgp-key.txt', async (req, reply) => {
    const key = await activeKey(ctx.db, (await requestProgram(ctx, req)).id);
    if (!key) throw new NotFoundError('The OpenPGP key');
    return reply.type('text/plain; charset=utf-8').header('cache-control', CACHE).send(key.publicKeyArmored);
  });

  // WKD direct method: the host serving the request is the mail domain.
  app.get<{ Params: { hash: string } }>('/.well-known/openpgpkey/hu/:hash', async (req, reply) => {
    const domains = new Set([req.hostname.toLowerCase(), new URL(ctx.config.baseUrl).hostname.toLowerCase()]);
    return sendWkdKey(reply, await findWkdKey(ctx, req.params.hash, (domain) => domains.has(domain)));
  });
  // WKD advanced method (openpgpkey.<domain> pointed at Embargo): the domain is in the path.
  app.get<{ Params: { domain: string; hash: string } }>('/.well-known/openpgpkey/:domain/hu/:hash', async (req, reply) => {
    const wanted = req.params.domain.toLowerCase();
    return sendWkdKey(reply, await findWkdKey(ctx, req.params.hash, (domain) => domain === wanted));
  });
  // Clients check for the policy file to learn that the domain takes part in WKD; ours says nothing more.
  const policy = async (_req: unknown, reply: FastifyReply) => reply.type('text/plain; charset=utf-8').header('cache-control', CACHE).send('');
  app.get('/.well-known/openpgpkey/policy', policy);
  app.get('/.well-known/openpgpkey/:domain/policy', policy);
}

/** The active key of the first program whose contact address has this WKD hash and an accepted domain. */
async function findWkdKey(ctx: AppContext, hash: string, domainMatches: (domain: string) => boolean): Promise<StoredKey | undefined> {
  if (!WKD_HASH.test(hash)) return undefined;
  for (const config of ctx.config.programs) {
    const { localPart, domain } = splitAddress(config.contactEmail);
    if (!domainMatches(domain) || wkdHash(localPart) !== hash) continue;
    const program = await loadProgram(ctx.db, { slug: config.slug });
    const key = program && (await activeKey(ctx.db, program.id));
    if (key) return key;
  }
  return undefined;
}

async function sendWkdKey(reply: FastifyReply, key: StoredKey | undefined): Promise<FastifyReply> {
  if (!key) throw new NotFoundError('This key');
  const binary = (await (await openpgpLib()).readKey({ armoredKey: key.publicKeyArmored, config: OPENPGP_CONFIG })).write();
  return reply
    .type('application/octet-stream')
    .header('cache-control', CACHE)
    .header('access-control-allow-origin', '*') // the WKD draft asks for it, so web mail clients can fetch keys
    .send(Buffer.from(binary));
}
