import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import { diffPolicies } from '../../policy/policy-diff.ts';
import { listPolicyVersions } from '../../policy/policy-versions.ts';
import { listCredits } from '../../thanks/list-credits.ts';
import { chrome, requestProgram, sendHtml } from '../page-context.ts';
import { renderPage } from '../views/layout.tsx';
import { PolicyDiffPage, PolicyHistoryPage, PolicyVersionPage } from '../views/policy-history-pages.tsx';
import { HomePage, PolicyPage, type KeyInfo } from '../views/public-pages.tsx';
import { ThanksPage } from '../views/thanks-page.tsx';

const versionNumber = z.coerce.number().int().positive().max(1_000_000);

export function registerPublicRoutes(app: FastifyInstance, ctx: AppContext, keyInfo: (programId: string) => Promise<KeyInfo | undefined>): void {
  app.get('/', async (req, reply) => {
    const program = await requestProgram(ctx, req);
    return sendHtml(reply, renderPage(<HomePage chrome={chrome(req, reply, program)} program={program} />));
  });

  app.get('/policy', async (req, reply) => {
    const program = await requestProgram(ctx, req);
    return sendHtml(reply, renderPage(<PolicyPage chrome={chrome(req, reply, program)} program={program} keyInfo={await keyInfo(program.id)} />));
  });

  app.get('/policy/history', async (req, reply) => {
    const program = await requestProgram(ctx, req);
    const versions = await listPolicyVersions(ctx.db, program.id);
    return sendHtml(reply, renderPage(<PolicyHistoryPage chrome={chrome(req, reply, program)} program={program} versions={versions} />));
  });

  app.get<{ Params: { n: string } }>('/policy/versions/:n', async (req, reply) => {
    const program = await requestProgram(ctx, req);
    const n = versionNumber.safeParse(req.params.n);
    const version = n.success ? (await listPolicyVersions(ctx.db, program.id)).find((v) => v.version === n.data) : undefined;
    if (!version) throw new NotFoundError('This policy version');
    return sendHtml(reply, renderPage(<PolicyVersionPage chrome={chrome(req, reply, program)} program={program} version={version} current={program.policy.version} />));
  });

  app.get<{ Querystring: { from?: string; to?: string } }>('/policy/diff', async (req, reply) => {
    const program = await requestProgram(ctx, req);
    const versions = await listPolicyVersions(ctx.db, program.id);
    const from = versions.find((v) => v.version === versionNumber.safeParse(req.query.from).data);
    const to = versions.find((v) => v.version === versionNumber.safeParse(req.query.to).data);
    if (!from || !to) throw new NotFoundError('This comparison');
    const diff = diffPolicies(from.sections, to.sections);
    return sendHtml(reply, renderPage(<PolicyDiffPage chrome={chrome(req, reply, program)} from={from} to={to} diff={diff} />));
  });

  app.get('/thanks', async (req, reply) => {
    const program = await requestProgram(ctx, req);
    if (!program.config.thanksPage) throw new NotFoundError('The thanks page');
    const years = await listCredits(ctx.db, ctx.vault, program.id);
    return sendHtml(reply, renderPage(<ThanksPage chrome={chrome(req, reply, program)} program={program} years={years} />));
  });
}
