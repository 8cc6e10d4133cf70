import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Advisory } from '../../advisories/advisory.ts';
import { advisoryPublisher, listPublishedAdvisories, loadPublishedAdvisory, type PublishedAdvisory } from '../../advisories/advisory-store.ts';
import { renderAtomFeed } from '../../advisories/render-atom.ts';
import { renderCsaf } from '../../advisories/render-csaf.ts';
import { csafDirectoryPath, renderChangesCsv, renderIndexTxt, renderProviderMetadata, renderRolieFeed } from '../../advisories/render-csaf-distribution.ts';
import { renderCveRecord } from '../../advisories/render-cve.ts';
import { renderOsv } from '../../advisories/render-osv.ts';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import { activeKey } from '../../keys/program-keys.ts';
import { signDetachedWith } from '../../keys/sign-detached.ts';
import { chrome, publicBaseUrl, requestProgram, sendHtml } from '../page-context.ts';
import { AdvisoryListPage, AdvisoryPage } from '../views/advisory-pages.tsx';
import { renderPage } from '../views/layout.tsx';

/** Public ids as advisories get them (EMB-SA-2026-0001); anything else is not looked up. */
const PUBLIC_ID = /^[A-Z][A-Z0-9]{1,9}-SA-\d{4}-\d{4,}$/;
const VARIANTS = [
  ['.osv.json', 'osv'],
  ['.cve.json', 'cve'],
  ['.json', 'csaf'],
  ['', 'html'],
] as const;

/** The CSAF document's exact bytes: what is served, hashed (.sha256, .sha512) and signed (.asc). */
const csafBytes = (advisory: Advisory) => Buffer.from(JSON.stringify(renderCsaf(advisory), null, 2), 'utf8');
/** A document's sidecar files in the CSAF directory (requirements 18 and 19). */
const SIDECARS = ['.sha256', '.sha512', '.asc'] as const;

/** Machine-readable documents: public, cacheable for a while, and never sniffed as anything else. */
function sendJson(reply: FastifyReply, body: unknown, type = 'application/json; charset=utf-8') {
  return reply.type(type).header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').send(JSON.stringify(body, null, 2));
}

function sendBytes(reply: FastifyReply, bytes: Buffer) {
  return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').send(bytes);
}

/** A plain directory listing, as a web server's autoindex would give (names are ours: ids and years). */
function sendListing(reply: FastifyReply, title: string, names: readonly string[]) {
  const html = renderPage(
    <html lang="en">
      <head><meta charSet="utf-8" /><title>{`Index of ${title}`}</title></head>
      <body>
        <h1>Index of {title}</h1>
        <ul>{names.map((n) => <li key={n}><a href={n}>{n}</a></li>)}</ul>
      </body>
    </html>,
  );
  return reply.type('text/html; charset=utf-8').header('cache-control', 'public, max-age=300').send(html);
}

/**
 * The public outcome of disclosure (stable URLs, DESIGN.md): /advisories and
 * /advisories/<id> as HTML, CSAF 2.0 (.json), OSV (.osv.json) and CVE JSON 5
 * (.cve.json, for CNAs); the Atom feed; and the CSAF provider's
 * directory-based distribution under /.well-known/csaf/. Only published
 * advisories exist here: a draft's id is "not found" like any unknown one.
 */
export function registerAdvisoryRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Every document here is the program's of the host asked (src/programs/program-hosts.ts), with its URLs.
  const hostProgram = async (req: FastifyRequest) => {
    const program = await requestProgram(ctx, req);
    return { program, base: publicBaseUrl(ctx, program), only: { programId: program.id } };
  };

  // Signing unlocks the program key (slow by design): a document's signature is made once per content and key.
  const signatures = new Map<string, string>();
  async function signature(programId: string, bytes: Buffer): Promise<string | undefined> {
    const key = await activeKey(ctx.db, programId);
    if (!key) return undefined;
    const cacheKey = `${key.fingerprint}:${createHash('sha256').update(bytes).digest('hex')}`;
    let armored = signatures.get(cacheKey);
    if (!armored) {
      armored = await signDetachedWith(ctx.secret, key, bytes);
      if (signatures.size >= 500) signatures.clear();
      signatures.set(cacheKey, armored);
    }
    return armored;
  }

  /** The CNA id a CVE record names: only an advisory with a CVE id, of a program that is a CNA, has one. */
  const cveOrgId = ({ advisory, program }: PublishedAdvisory) => (advisory.cveId ? program.config.cveNumberingAuthority?.orgId : undefined);

  app.get('/advisories', async (req, reply) => {
    const { program, base, only } = await hostProgram(req);
    const advisories = await listPublishedAdvisories(ctx.db, base, only);
    return sendHtml(reply, renderPage(<AdvisoryListPage chrome={chrome(req, reply, program)} vendor={program.config.vendor} advisories={advisories} />));
  });

  app.get('/advisories/feed.atom', async (req, reply) => {
    const { program, base, only } = await hostProgram(req);
    const advisories = await listPublishedAdvisories(ctx.db, base, { ...only, limit: 50 });
    const xml = renderAtomFeed({
      publisher: advisoryPublisher(program, base),
      feedUrl: `${base}/advisories/feed.atom`,
      advisories,
      updated: advisories.reduce((latest, a) => (a.currentReleaseDate > latest ? a.currentReleaseDate : latest), program.policy.publishedAt.toISOString()),
    });
    return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(xml);
  });

  app.get<{ Params: { file: string } }>('/advisories/:file', async (req, reply) => {
    const [suffix, variant] = VARIANTS.find(([s]) => req.params.file.endsWith(s))!;
    const publicId = req.params.file.slice(0, req.params.file.length - suffix.length);
    const { program, base, only } = await hostProgram(req);
    const found = PUBLIC_ID.test(publicId) ? await loadPublishedAdvisory(ctx.db, base, publicId, only) : undefined;
    if (!found) throw new NotFoundError('This advisory');
    const { advisory } = found;
    switch (variant) {
      case 'csaf':
        return sendBytes(reply, csafBytes(advisory));
      case 'osv':
        return sendJson(reply, renderOsv(advisory));
      case 'cve': {
        const orgId = cveOrgId(found);
        if (!orgId) throw new NotFoundError('A CVE record of this advisory');
        return sendJson(reply, renderCveRecord(advisory, { orgId }));
      }
      case 'html': {
        return sendHtml(reply, renderPage(<AdvisoryPage chrome={chrome(req, reply, program)} advisory={advisory} cveRecord={Boolean(cveOrgId(found))} />));
      }
    }
  });

  // CSAF 2.0 directory-based distribution (§7.1.7, §7.1.11–13).
  app.get('/.well-known/csaf/provider-metadata.json', async (req, reply) => {
    const { program, base, only } = await hostProgram(req);
    const [newest] = await listPublishedAdvisories(ctx.db, base, { ...only, limit: 1 });
    const key = await activeKey(ctx.db, program.id);
    return sendJson(reply, renderProviderMetadata({
      publisher: advisoryPublisher(program, base),
      lastUpdated: newest?.currentReleaseDate ?? program.policy.publishedAt.toISOString(),
      ...(key ? { signingKey: { fingerprint: key.fingerprint, url: `${base}/pgp-key.txt` } } : {}),
    }));
  });

  // The ROLIE feed of the same documents (requirement 15), listed in the provider metadata.
  app.get('/.well-known/csaf/feed-tlp-white.json', async (req, reply) => {
    const { program, base, only } = await hostProgram(req);
    const advisories = await listPublishedAdvisories(ctx.db, base, only);
    const key = await activeKey(ctx.db, program.id);
    return sendJson(reply, renderRolieFeed({
      publisher: advisoryPublisher(program, base),
      advisories,
      updated: advisories.reduce((latest, a) => (Date.parse(a.currentReleaseDate) > Date.parse(latest) ? a.currentReleaseDate : latest), program.policy.publishedAt.toISOString()),
      signed: key !== undefined,
    }));
  });

  app.get('/.well-known/csaf/white/index.txt', async (req, reply) => {
    const { base, only } = await hostProgram(req);
    const advisories = await listPublishedAdvisories(ctx.db, base, only);
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=300').send(renderIndexTxt(advisories));
  });

  app.get('/.well-known/csaf/white/changes.csv', async (req, reply) => {
    const { base, only } = await hostProgram(req);
    const advisories = await listPublishedAdvisories(ctx.db, base, only);
    return reply.type('text/csv; charset=utf-8').header('cache-control', 'public, max-age=300').send(renderChangesCsv(advisories));
  });

  // Directory listings (requirement 14 of a CSAF provider): the year folders, and each folder's documents.
  app.get('/.well-known/csaf/white/', async (req, reply) => {
    const { base, only } = await hostProgram(req);
    const advisories = await listPublishedAdvisories(ctx.db, base, only);
    const years = [...new Set(advisories.map((a) => csafDirectoryPath(a).split('/')[0]!))].sort();
    return sendListing(reply, '/.well-known/csaf/white/', ['index.txt', 'changes.csv', ...years.map((y) => `${y}/`)]);
  });

  app.get<{ Params: { year: string } }>('/.well-known/csaf/white/:year/', async (req, reply) => {
    const { base, only } = await hostProgram(req);
    const advisories = await listPublishedAdvisories(ctx.db, base, only);
    const files = advisories
      .map((a) => csafDirectoryPath(a))
      .filter((p) => p.startsWith(`${req.params.year}/`))
      .flatMap((p) => [p.slice(5), ...SIDECARS.map((s) => `${p.slice(5)}${s}`)])
      .sort();
    if (files.length === 0) throw new NotFoundError('This folder');
    return sendListing(reply, `/.well-known/csaf/white/${req.params.year}/`, files);
  });

  app.get<{ Params: { year: string; file: string } }>('/.well-known/csaf/white/:year/:file', async (req, reply) => {
    const [, document = '', sidecar] = /^(.*?\.json)(\.sha256|\.sha512|\.asc)?$/.exec(req.params.file) ?? [];
    // Our ids are upper-case letters, digits and dashes, so the file name (§5.1: lower-cased id) maps back.
    const publicId = document.replace(/\.json$/, '').toUpperCase();
    const { base, only } = await hostProgram(req);
    const found = PUBLIC_ID.test(publicId) ? await loadPublishedAdvisory(ctx.db, base, publicId, only) : undefined;
    if (!found || csafDirectoryPath(found.advisory) !== `${req.params.year}/${document}`) throw new NotFoundError('This CSAF document');
    const { advisory, program } = found;
    const bytes = csafBytes(advisory);
    if (!sidecar) return sendBytes(reply, bytes);
    if (sidecar === '.asc') {
      const armored = await signature(program.id, bytes);
      if (!armored) throw new NotFoundError('A signature of this document');
      return reply.type('application/pgp-signature').header('cache-control', 'public, max-age=300').send(armored);
    }
    // The format of sha256sum and sha512sum, which CSAF tools check (requirement 18).
    const digest = createHash(sidecar === '.sha256' ? 'sha256' : 'sha512').update(bytes).digest('hex');
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=300').send(`${digest}  ${document}\n`);
  });
}
