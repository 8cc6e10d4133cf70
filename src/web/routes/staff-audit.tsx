import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../audit/append-audit.ts';
import { auditExportStream, type AuditExportFormat } from '../../audit/export-audit.ts';
import { assertMayReadAudit, auditActors, auditFilterSchema, listAudit, streamAudit, type AuditFilter } from '../../audit/list-audit.ts';
import type { AppContext } from '../../context.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { AuditPage } from '../views/audit-page.tsx';
import { renderPage } from '../views/layout.tsx';

const PAGE_SIZE = 50;
type Query = { Querystring: Record<string, string> };

/** The query's filters, or the fields that did not parse (the page shows them beside what was typed). */
function parseFilter(query: Record<string, string> | undefined): { filter: AuditFilter; errors: Record<string, string>; typed: Record<string, string> } {
  const typed: Record<string, string> = {};
  for (const [k, v] of Object.entries(query ?? {})) if (typeof v === 'string') typed[k] = v.slice(0, 100);
  const parsed = auditFilterSchema.safeParse(typed);
  if (parsed.success) return { filter: parsed.data, errors: {}, typed };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'action')] ??= issue.message;
  // Filter by what did parse; an invalid field counts as empty.
  const valid = Object.fromEntries(Object.entries(typed).filter(([k]) => !(k in errors)));
  return { filter: auditFilterSchema.parse(valid), errors, typed };
}

/** /staff/audit (the page) and /staff/audit/export.csv|jsonl: administrators only; others get 403. */
export function registerStaffAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);

  app.get<Query>('/staff/audit', { preHandler: auth }, async (req, reply) => {
    const scope = assertMayReadAudit(req.staff!);
    const { filter, errors, typed } = parseFilter(req.query);
    const rows = await listAudit(ctx.db, filter, PAGE_SIZE + 1, scope);
    const page = rows.slice(0, PAGE_SIZE);
    const program = await staffProgram(ctx, req);
    const html = renderPage(
      <AuditPage
        chrome={chrome(req, reply, program)}
        rows={page}
        filter={filter}
        typed={typed}
        errors={errors}
        actors={await auditActors(ctx.db)}
        olderThan={rows.length > PAGE_SIZE ? page.at(-1)!.seq : undefined}
      />,
    );
    return sendHtml(reply, html, Object.keys(errors).length ? 422 : 200, { private: true });
  });

  const exportRoute = (format: AuditExportFormat) => async (req: FastifyRequest<Query>, reply: FastifyReply) => {
    const scope = assertMayReadAudit(req.staff!);
    const { filter, errors } = parseFilter(req.query);
    if (Object.keys(errors).length) return reply.code(422).type('text/plain; charset=utf-8').send(`Invalid filter: ${Object.entries(errors).map(([k, m]) => `${k}: ${m}`).join('; ')}`);
    // Recorded before the first line leaves: an export cut short was still an export.
    await recordAudit(ctx.db, { actor: { kind: 'staff', id: req.staff!.userId }, action: 'audit.exported', details: { format, actor: filter.actor || null, action: filter.action || null, report: filter.report || null, from: filter.from || null, to: filter.to || null } });
    const stamp = new Date().toISOString().slice(0, 10);
    return reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="embargo-audit-${stamp}.${format}"`)
      .header('cache-control', 'no-store')
      .send(auditExportStream(streamAudit(ctx.db, filter, scope), format));
  };
  app.get<Query>('/staff/audit/export.csv', { preHandler: auth }, exportRoute('csv'));
  app.get<Query>('/staff/audit/export.jsonl', { preHandler: auth }, exportRoute('jsonl'));
}
