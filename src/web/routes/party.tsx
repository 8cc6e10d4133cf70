import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { answerDisclosure, postAsParty, recordPartyView, setPartyStatus } from '../../coordination/party-actions.ts';
import { loadCoordinationEntries } from '../../coordination/coordination-messages.ts';
import { findPartyByToken, listParties, reporterNamed, type Party } from '../../coordination/parties.ts';
import { setReporterNaming } from '../../coordination/reporter-naming.ts';
import { readDisclosure } from '../../disclosure/disclosure-rules.ts';
import { AppError, NotFoundError, ValidationError } from '../../errors.ts';
import { loadProgram } from '../../programs/programs.ts';
import { findReportByReference, findReportByTrackingToken } from '../../reports/read-report.ts';
import { chrome, sendHtml } from '../page-context.ts';
import { hitRateLimit, idRateLimitKey } from '../rate-limit.ts';
import { renderPage } from '../views/layout.tsx';
import { PartyPage, type PartyFormState } from '../views/party-page.tsx';

type TokenParams = { Params: { token: string } };
type FormReq = TokenParams & { Body: Record<string, string> };

const statusSchema = z.object({ status: z.string().max(20).default(''), fixDate: z.string().max(20).default('') });
const messageSchema = z.object({ body: z.string().max(40_000).default('') });
const disclosureSchema = z.object({
  action: z.enum(['accept', 'propose']),
  seen: z.string().max(40).default(''),
  disclosureDate: z.string().max(20).default(''),
  disclosureTime: z.string().max(10).default(''),
  disclosureTimeZone: z.string().max(64).default(''),
  disclosureMessage: z.string().max(4000).default(''),
});
const namingSchema = z.object({ named: z.enum(['yes', 'no']) });

const typed = (body: unknown) =>
  Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter((e): e is [string, string] => e[0] !== '_csrf' && typeof e[1] === 'string'));

/**
 * An invited party's private page and forms (src/coordination/). The link's
 * token is the capability: an unknown token is "not found", a revoked party's
 * is "gone", checked on every request (and again inside each use case's
 * transaction), so revoking ends access at once. Rate limited per party; CSRF
 * (double-submit cookie) on every form; no script on the page.
 */
export function registerPartyRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function partyFor(token: string): Promise<Party> {
    const found = await findPartyByToken(ctx.db, ctx.vault, ctx.secret, token);
    if (found.kind === 'revoked') throw new AppError('gone', 410, 'This link was revoked by the security team: it no longer gives access to the report.');
    if (found.kind === 'missing') throw new NotFoundError('This link');
    return found.party;
  }

  async function render(req: FastifyRequest, reply: FastifyReply, party: Party, token: string, status: number, form?: PartyFormState) {
    const row = await ctx.db.selectFrom('reports').select('reference').where('id', '=', party.reportId).executeTakeFirstOrThrow();
    const report = await findReportByReference(ctx.db, ctx.vault, row.reference);
    if (!report) throw new NotFoundError('This link');
    const [program, parties, entries, named] = await Promise.all([
      loadProgram(ctx.db, { id: report.program_id }),
      listParties(ctx.db, ctx.vault, report.id),
      loadCoordinationEntries(ctx.db, ctx.vault, report.id, party),
      reporterNamed(ctx.db, report.id),
    ]);
    const reporterName = named && !report.reporter_erased_at ? (report.reporter_name ?? report.reporter_handle ?? undefined) : undefined;
    const done = (req.query as Record<string, string | undefined>).done;
    const page = (
      <PartyPage
        chrome={chrome(req, reply, program)}
        base={`/party/${token}`}
        csrf={reply.generateCsrf()}
        party={party}
        report={{ reference: report.reference, title: report.title, product: program?.config.products.find((p) => p.id === report.product)?.name ?? report.product }}
        reporterName={reporterName ?? undefined}
        others={parties.filter((p) => p.id !== party.id && !p.revokedAt)}
        entries={entries}
        disclosure={readDisclosure(report)}
        defaultTimeZone={program?.config.calendar.timeZone ?? 'UTC'}
        form={form}
        done={done && ['message', 'status', 'disclosure'].includes(done) ? done : undefined}
      />
    );
    return sendHtml(reply, renderPage(page), status, { private: true });
  }

  /** Runs a party's use case; a refusal shows the page again with what was typed. */
  async function attempt(req: FastifyRequest<FormReq>, reply: FastifyReply, party: Party, which: PartyFormState['form'], run: () => Promise<unknown>) {
    try {
      await run();
    } catch (err) {
      if (err instanceof ValidationError) return render(req, reply, party, req.params.token, 422, { form: which, values: typed(req.body), errors: err.fields });
      if (err instanceof AppError && err.status === 409) return render(req, reply, party, req.params.token, 409, { form: which, values: typed(req.body), errors: { [which === 'disclosure' ? 'disclosure' : which === 'status' ? 'status' : 'body']: err.message } });
      throw err;
    }
    return reply.redirect(`/party/${req.params.token}?done=${which}#${which === 'message' ? 'messages-h' : which === 'status' ? 'status-h' : 'disclosure-h'}`, 303);
  }

  app.get<TokenParams>('/party/:token', async (req, reply) => {
    const party = await partyFor(req.params.token);
    await hitRateLimit(ctx.db, idRateLimitKey('party-page', party.id), 600, 3600);
    await recordPartyView(ctx, party);
    return render(req, reply, party, req.params.token, 200);
  });

  app.post<FormReq>('/party/:token/messages', { preHandler: app.csrfProtection }, async (req, reply) => {
    const party = await partyFor(req.params.token);
    await hitRateLimit(ctx.db, idRateLimitKey('party-post', party.id), 60, 3600);
    const form = messageSchema.safeParse(req.body ?? {});
    return attempt(req, reply, party, 'message', () => postAsParty(ctx, party, form.success ? form.data.body : ''));
  });

  app.post<FormReq>('/party/:token/status', { preHandler: app.csrfProtection }, async (req, reply) => {
    const party = await partyFor(req.params.token);
    await hitRateLimit(ctx.db, idRateLimitKey('party-post', party.id), 60, 3600);
    const form = statusSchema.safeParse(req.body ?? {});
    return attempt(req, reply, party, 'status', () => setPartyStatus(ctx, party, form.success ? form.data : { status: '', fixDate: '' }));
  });

  app.post<FormReq>('/party/:token/disclosure', { preHandler: app.csrfProtection }, async (req, reply) => {
    const party = await partyFor(req.params.token);
    await hitRateLimit(ctx.db, idRateLimitKey('party-post', party.id), 60, 3600);
    const form = disclosureSchema.safeParse(req.body ?? {});
    if (!form.success) return render(req, reply, party, req.params.token, 422, { form: 'disclosure', values: typed(req.body), errors: { disclosure: 'That form was not filled in as expected.' } });
    const f = form.data;
    const seen = Number.isNaN(Date.parse(f.seen)) ? new Date(0) : new Date(f.seen);
    return attempt(req, reply, party, 'disclosure', () =>
      answerDisclosure(ctx, party, f.action === 'accept' ? { kind: 'accept', seen } : { kind: 'propose', moment: { date: f.disclosureDate, time: f.disclosureTime, timeZone: f.disclosureTimeZone }, message: f.disclosureMessage }),
    );
  });

  // The reporter's choice (tracking page): may the invited parties see their name. Default: not named.
  app.post<FormReq>('/track/:token/coordination-naming', { preHandler: app.csrfProtection }, async (req, reply) => {
    const report = await findReportByTrackingToken(ctx.db, ctx.vault, req.params.token);
    if (!report) throw new NotFoundError('This tracking link');
    await hitRateLimit(ctx.db, idRateLimitKey('naming', report.id), 30, 3600);
    const form = namingSchema.safeParse(req.body ?? {});
    if (!form.success) throw new ValidationError({ named: 'Choose yes or no.' }, 'Your choice was not saved.');
    await setReporterNaming(ctx.db, { reportId: report.id, named: form.data.named === 'yes' });
    return reply.redirect(`/track/${req.params.token}?naming=saved#naming-h`, 303);
  });
}
