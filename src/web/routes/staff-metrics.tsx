import type { FastifyInstance } from 'fastify';
import { visiblePrograms } from '../../auth/policies.ts';
import type { AppContext } from '../../context.ts';
import { loadMetrics, metricsCsv } from '../../metrics/report-metrics.ts';
import { chrome, sendHtml, staffProgram } from '../page-context.ts';
import { requireStaff } from '../require-staff.ts';
import { renderPage } from '../views/layout.tsx';
import { MetricsPage } from '../views/metrics-page.tsx';

/** Every member of a program may see its numbers; they contain no report content. */
export function registerStaffMetricsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = requireStaff(ctx);
  app.get('/staff/metrics', { preHandler: auth }, async (req, reply) => {
    const metrics = await loadMetrics(ctx.db, visiblePrograms(req.staff!));
    const program = await staffProgram(ctx, req);
    return sendHtml(reply, renderPage(<MetricsPage chrome={chrome(req, reply, program)} metrics={metrics} />), 200, { private: true });
  });
  app.get('/staff/metrics.csv', { preHandler: auth }, async (req, reply) => {
    const metrics = await loadMetrics(ctx.db, visiblePrograms(req.staff!));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="embargo-metrics.csv"')
      .send(metricsCsv(metrics));
  });
}
