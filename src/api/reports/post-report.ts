import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { reportSubmissionSchema } from '../../domain/report-input.ts';
import { PayloadTooLargeError, ValidationError } from '../../errors.ts';
import type { UploadedFile } from '../../reports/attachments.ts';
import { submitReport } from '../../reports/submit-report.ts';
import { screenSubmission } from '../../triage/spam-signals.ts';
import { defineEndpoint, type SchemaEnv } from '../endpoint.ts';
import { reportPath } from './report-representation.ts';
import { programBaseUrl } from '../../programs/program-hosts.ts';
import { languageSchema } from '../../i18n/languages.ts';
import { mailLanguage } from '../../i18n/mail-language.ts';

const attachmentInput = z.object({
  filename: z.string().trim().min(1, 'Give the file name.').max(255),
  contentType: z.string().max(200).optional().meta({ description: 'Informational; downloads are always application/octet-stream.' }),
  content: z.base64('Attachment content must be base64.').meta({ description: 'The file, base64-encoded (standard alphabet, padded).' }),
});

/**
 * The web form's fields (same schema, same messages), plus attachments as
 * base64 JSON. `policyVersion` is optional here: a platform forwarding a report
 * asserts with `acceptPolicy: "yes"` that the reporter accepted the policy, and
 * omitting the version means the current one.
 */
export function apiSubmissionSchema(env: SchemaEnv) {
  return reportSubmissionSchema(env.productIds)
    .safeExtend({
      policyVersion: z
        .int()
        .positive()
        .optional()
        .meta({ description: 'The policy version the reporter accepted. Omit it to mean the current version; a stale version is refused.' })
        .transform((v) => v ?? env.policyVersion),
      language: languageSchema
        .optional()
        .meta({ description: 'The reporter’s language (en, sv, it): mail to them is written in it when the program offers it; otherwise, and when omitted, the program’s default language.' }),
      attachments: z
        .array(attachmentInput)
        .max(env.uploads.maxFiles, `At most ${env.uploads.maxFiles} files can be attached.`)
        .default([])
        .meta({ description: `At most ${env.uploads.maxFiles} files of at most ${env.uploads.maxBytes} bytes each (decoded).` }),
    })
    .meta({ description: 'A new report, with the fields of the web form.' });
}

export const submittedSchema = z.object({
  id: z.uuid(),
  reference: z.string(),
  state: z.literal('new'),
  trackingUrl: z.string().meta({ description: 'The reporter’s private tracking page (a capability): shown once, pass it on to the reporter only.' }),
  links: z.object({ self: z.string() }),
});

/** Attachments are base64 in JSON: room for every file at its limit, plus the text fields. */
function submissionBodyLimit(uploads: SchemaEnv['uploads']): number {
  return Math.ceil((uploads.maxFiles * uploads.maxBytes * 4) / 3) + 2 * 1024 * 1024;
}

export function postReportEndpoint(ctx: AppContext) {
  return defineEndpoint({
    method: 'POST',
    path: '/api/v1/reports',
    operationId: 'submitReport',
    summary: 'Submit a report',
    description:
      'Creates a report through the "api" channel, e.g. forwarded from another platform. When `reporterEmail` is given, the reporter gets a receipt by mail with the reference (the tracking link only encrypted to their key, or when the program sends details in clear mail); pass the tracking URL on to them too.',
    scopes: ['reports:submit'],
    body: apiSubmissionSchema,
    bodyLimit: submissionBodyLimit,
    responses: { 201: { description: 'Stored. Location names the new report.', schema: submittedSchema, headers: { Location: 'URL of the new report' } } },
    errors: ['forbidden', 'invalid_json', 'unsupported_media_type', 'validation_failed', 'payload_too_large'],
    async handler({ req, reply, principal, body, program: loadProgram }) {
      const program = await loadProgram();
      const { attachments, language, ...input } = body;
      if (input.policyVersion !== program.policy.version) {
        throw new ValidationError({
          policyVersion: `The policy has changed: the current version is ${program.policy.version}. Have the reporter accept it, then send that version.`,
        });
      }
      const files: UploadedFile[] = attachments.map((a, i) => {
        const content = Buffer.from(a.content, 'base64');
        if (content.length > ctx.config.uploads.maxBytes) {
          throw new PayloadTooLargeError(`attachments.${i} (“${a.filename}”) is larger than ${ctx.config.uploads.maxBytes} bytes.`);
        }
        return { filename: a.filename, contentType: a.contentType ?? 'application/octet-stream', content };
      });
      // No IP: the client is the forwarding platform, not the reporter. Quarantined, never refused.
      const screen = await screenSubmission(ctx.db, ctx.secret, { programId: program.id, input });
      const submitted = await submitReport(ctx.db, ctx.vault, { program, input, files, channel: 'api', withinTransaction: screen, receipt: { secret: ctx.secret }, ...(language ? { language: mailLanguage(program, language) } : {}) });
      req.log.info({ reference: submitted.reference, apiToken: principal.tokenId }, 'report submitted through the API');
      const self = reportPath(submitted.reference);
      reply.code(201).header('location', `${ctx.config.baseUrl}${self}`);
      return {
        id: submitted.id,
        reference: submitted.reference,
        state: 'new',
        trackingUrl: `${programBaseUrl(ctx.config.baseUrl, program)}/track/${submitted.trackingToken}`, // the program's own host
        links: { self },
      } satisfies z.infer<typeof submittedSchema>;
    },
  });
}
