import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { REPORT_STATES } from '../../domain/lifecycle.ts';
import { listReports } from '../../reports/list-reports.ts';
import { defineEndpoint } from '../endpoint.ts';
import { reportPath } from './report-representation.ts';

/** Strict, unlike the inbox's query (which falls back to defaults): a script's typo should fail loudly. */
export const listQuerySchema = z.object({
  state: z
    .enum(['open', 'closed', 'all', ...REPORT_STATES])
    .default('all')
    .meta({ description: 'A state, or open (the team still owes work), closed, all.' }),
  sort: z
    .enum(['newest', 'oldest', 'updated', 'deadline', 'severity'])
    .default('newest')
    .meta({ description: 'updated: most recently changed first, for syncing; deadline: soonest SLA deadline first; severity: highest team CVSS score first (unscored last).' }),
  product: z.string().max(64).optional(),
  q: z.string().trim().max(200).optional().meta({ description: 'Full-text search, or an exact reference.' }),
  quarantine: z
    .enum(['exclude', 'include', 'only'])
    .default('include')
    .meta({ description: 'Reports quarantined as possible spam: listed with the others (include, the default), left out, or alone (only).' }),
  after: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, 'Pass the `next` cursor of the previous page unchanged.')
    .optional()
    .meta({ description: 'The `next` cursor of the previous page.' }),
});

export const reportSummarySchema = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    title: z.string(),
    product: z.string(),
    state: z.enum(REPORT_STATES),
    assigneeName: z.string().nullable(),
    quarantined: z.boolean().meta({ description: 'Waiting in the quarantine as possible spam; see the report’s `quarantine`.' }),
    possibleDuplicate: z.boolean().meta({ description: 'Likely duplicates of earlier reports were found when it arrived, and the hint stands (not marked as a duplicate, hint not dismissed).' }),
    severity: z.enum(['none', 'low', 'medium', 'high', 'critical']).nullable().meta({ description: 'The team’s severity, from its CVSS score; null until scored.' }),
    nextDeadlineAt: z.iso.datetime().nullable().meta({ description: 'The soonest open SLA deadline; null when no clock runs (closed, or waiting on the reporter).' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    restricted: z.boolean().meta({ description: 'Restricted to named staff: a token sees only that it exists (reference, state, dates); title and product are empty or placeholder, and the report itself answers 403 restricted.' }),
    links: z.object({ self: z.string() }),
  })
  .meta({ id: 'ReportSummary' });

export const reportPageSchema = z.object({
  data: z.array(reportSummarySchema).meta({ description: 'At most 50 reports.' }),
  next: z.string().nullable().meta({ description: 'Cursor of the next page; null on the last page.' }),
  links: z.object({ next: z.string().nullable() }),
});

export function listReportsEndpoint(ctx: AppContext) {
  return defineEndpoint({
    method: 'GET',
    path: '/api/v1/reports',
    operationId: 'listReports',
    summary: 'List reports',
    description: 'Pages by keyset: follow links.next (or pass next as after) until it is null. Pages stay stable while reports arrive.',
    scopes: ['reports:read'],
    query: listQuerySchema,
    responses: { 200: { description: 'One page of the program’s reports.', schema: reportPageSchema } },
    errors: ['forbidden', 'validation_failed'],
    async handler({ principal, query }) {
      const page = await listReports(ctx.db, ctx.vault, {
        programIds: [principal.programId],
        query: { ...query, assignee: undefined },
        currentUserId: principal.actorId,
        // A token is never named on a restricted report: it sees only that one exists.
        readerId: null,
      });
      const nextUrl = page.next ? `/api/v1/reports?${new URLSearchParams({ ...definedOnly(query), after: page.next })}` : null;
      return {
        data: page.rows.map((r) => ({
          id: r.id,
          reference: r.reference,
          title: r.title,
          product: r.product,
          state: r.state,
          assigneeName: r.assigneeName,
          quarantined: r.quarantined,
          possibleDuplicate: r.possibleDuplicate,
          severity: r.severity,
          nextDeadlineAt: r.nextDeadlineAt?.toISOString() ?? null,
          createdAt: r.createdAt.toISOString(),
          updatedAt: r.updatedAt.toISOString(),
          restricted: r.restricted,
          links: { self: reportPath(r.reference) },
        })),
        next: page.next ?? null,
        links: { next: nextUrl },
      } satisfies z.infer<typeof reportPageSchema>;
    },
  });
}

function definedOnly(query: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'after'));
}
