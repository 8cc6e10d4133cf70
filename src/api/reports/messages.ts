import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { messageBodySchema } from '../../domain/report-input.ts';
import { listAttachments, loadTimeline, type TimelineEntry } from '../../reports/read-report.ts';
import { postStaffMessage } from '../../reports/report-actions.ts';
import { defineEndpoint } from '../endpoint.ts';
import { referenceParams, reportOfToken } from './report-access.ts';
import { attachmentSchema, presentAttachment } from './report-representation.ts';

export const messageSchema = z
  .object({
    id: z.uuid(),
    createdAt: z.iso.datetime(),
    author: z.object({
      kind: z.enum(['reporter', 'staff']),
      name: z.string().nullable().meta({ description: 'Staff display name (an API token shows as “API: its name”); null for the reporter.' }),
    }),
    visibility: z.enum(['reporter', 'internal']).meta({ description: 'internal: a note the reporter never sees.' }),
    body: z.string(),
    attachments: z.array(attachmentSchema),
  })
  .meta({ id: 'Message' });
type ApiMessage = z.infer<typeof messageSchema>;

export const newMessageSchema = z.object({
  body: messageBodySchema,
  // Required, not defaulted: a forgotten field must not turn an internal note into a mail to the reporter.
  visibility: z.enum(['reporter', 'internal'], { error: 'Say who may see it: reporter or internal.' }).meta({
    description: 'reporter: a reply the reporter sees and is notified of; internal: a note for the team.',
  }),
});

function presentMessage(reference: string, m: Extract<TimelineEntry, { kind: 'message' }>): ApiMessage {
  return {
    id: m.id,
    createdAt: m.at.toISOString(),
    author: { kind: m.authorKind, name: m.authorName },
    visibility: m.visibility,
    body: m.body,
    attachments: m.attachments.map((a) => presentAttachment(reference, a)),
  };
}

export function listMessagesEndpoint(ctx: AppContext) {
  return defineEndpoint({
    method: 'GET',
    path: '/api/v1/reports/{reference}/messages',
    operationId: 'listMessages',
    summary: 'Read the thread',
    description: 'Every message of the report in order, internal notes included (see visibility).',
    scopes: ['reports:read'],
    params: referenceParams,
    responses: { 200: { description: 'The thread.', schema: z.object({ data: z.array(messageSchema) }) } },
    errors: ['forbidden', 'not_found', 'restricted'],
    async handler({ principal, params }) {
      const report = await reportOfToken(ctx, principal, params.reference);
      const timeline = await loadTimeline(ctx.db, ctx.vault, report.id, 'staff', await listAttachments(ctx.db, ctx.vault, report.id));
      return { data: timeline.flatMap((e) => (e.kind === 'message' ? [presentMessage(report.reference, e)] : [])) };
    },
  });
}

export function postMessageEndpoint(ctx: AppContext) {
  return defineEndpoint({
    method: 'POST',
    path: '/api/v1/reports/{reference}/messages',
    operationId: 'postMessage',
    summary: 'Reply to the reporter or add an internal note',
    description: 'A reply (visibility reporter) is shown on the tracking page and notified to the reporter; a note (internal) never is.',
    scopes: ['reports:write'],
    params: referenceParams,
    body: newMessageSchema,
    responses: { 201: { description: 'Posted.', schema: messageSchema } },
    errors: ['forbidden', 'not_found', 'restricted', 'invalid_json', 'unsupported_media_type', 'validation_failed'],
    async handler({ reply, principal, params, body }) {
      const report = await reportOfToken(ctx, principal, params.reference);
      const posted = await postStaffMessage(ctx.db, ctx.vault, { reportId: report.id, actorId: principal.actorId, visibility: body.visibility, body: body.body, files: [] });
      reply.code(201);
      return {
        id: posted.id,
        createdAt: posted.createdAt.toISOString(),
        author: { kind: 'staff', name: `API: ${principal.tokenName}` },
        visibility: body.visibility,
        body: body.body,
        attachments: [],
      } satisfies ApiMessage;
    },
  });
}
