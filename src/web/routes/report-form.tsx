import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { fieldErrors, reportSubmissionSchema } from '../../domain/report-input.ts';
import { ValidationError } from '../../errors.ts';
import { submitReport } from '../../reports/submit-report.ts';
import { openSealedForm } from '../../intake/open-sealed-form.ts';
import { activeKeyInfo, decryptionKeys } from '../../keys/program-keys.ts';
import type { ClientBundles } from '../client-bundles.ts';
import { readMultipartForm } from '../multipart-form.ts';
import { chrome, defaultProgram, sendHtml, verifyCsrf } from '../page-context.ts';
import { hitRateLimit, rateLimitKeys } from '../rate-limit.ts';
import { validateReporterKey } from '../../mail/reporter-keys.ts';
import { screenSubmission } from '../../triage/spam-signals.ts';
import { bothSteps, checkDuplicatesAtSubmission } from '../../triage/duplicate-suggestions.ts';
import { renderPage } from '../views/layout.tsx';
import { ReportFormPage } from '../views/report-form.tsx';

/** Submissions per client address per hour: generous for people, a wall for scripts. */
const SUBMISSIONS_PER_HOUR = 30;

export function registerReportFormRoutes(app: FastifyInstance, ctx: AppContext, bundles: ClientBundles): void {
  const limits = ctx.config.uploads;
  const script = async (programId: string) => ((await activeKeyInfo(ctx.db, programId)) ? bundles.reportForm : undefined);

  app.get('/report', async (req, reply) => {
    const program = await defaultProgram(ctx);
    const page = <ReportFormPage chrome={chrome(req, reply, program)} program={program} csrf={reply.generateCsrf()} values={{}} errors={{}} limits={limits} encryptionScript={await script(program.id)} />;
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post('/report', async (req, reply) => {
    const program = await defaultProgram(ctx);
    const form = await readMultipartForm(req, limits);
    await verifyCsrf(app, req, reply, form.fields._csrf);
    await hitRateLimit(ctx.db, rateLimitKeys(ctx.secret)('submit:address', req.ip), SUBMISSIONS_PER_HOUR, 3600);

    let { fields, files } = form;
    let sealedError: string | undefined;
    const sealed = fields.clientEncryption === 'openpgp' && typeof fields.sealed === 'string';
    if (sealed) {
      const opened = await openSealedForm(fields, files, await decryptionKeys(ctx.db, ctx.secret, program.id));
      if (opened.ok) ({ fields, files } = opened);
      else sealedError = opened.message;
    }
    const parsed = reportSubmissionSchema(program.config.products.map((p) => p.id)).safeParse(fields);
    let errors: Record<string, string> = parsed.success ? {} : fieldErrors(parsed.error);
    if (form.fileError) errors = { ...errors, attachments: form.fileError };
    if (sealedError) errors = { _form: sealedError, ...errors };
    if (parsed.success && !form.fileError && !sealedError) {
      try {
        // A key the reporter gave encrypts every mail to them; a bad one is a field error (ReporterKeyError),
        // checked first so a refused form costs no spam screening, per-address count or duplicate search.
        const reporterKey = fields.publicKey?.trim() ? await validateReporterKey(fields.publicKey) : undefined;
        // Spam signals quarantine the report (never refuse it); recorded in the submission's transaction.
        const screen = await screenSubmission(ctx.db, ctx.secret, { programId: program.id, input: parsed.data, ip: req.ip });
        // Likely duplicates are recorded with the report too, so the inbox can flag it (staff-only).
        const withinTransaction = bothSteps(screen, await checkDuplicatesAtSubmission(ctx.db, ctx.vault, { programId: program.id, input: parsed.data }));
        const submitted = await submitReport(ctx.db, ctx.vault, {
          program,
          input: parsed.data,
          files,
          channel: 'web',
          withinTransaction,
          ...(reporterKey ? { reporterKey } : {}),
          ...(sealed ? { clientEncryption: 'openpgp' as const } : {}),
        });
        req.log.info({ reference: submitted.reference }, 'report submitted');
        // The tracking page doubles as the receipt; 303 so a reload does not resubmit.
        return reply.redirect(`/track/${submitted.trackingToken}?submitted=1`, 303);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        errors = err.fields;
      }
    }
    const { _csrf, sealed: _sealed, clientEncryption: _ce, ...values } = fields;
    const page = (
      <ReportFormPage chrome={chrome(req, reply, program)} program={program} csrf={reply.generateCsrf()} values={values} errors={errors} limits={limits} encryptionScript={await script(program.id)} />
    );
    return sendHtml(reply, renderPage(page), 422, { private: true });
  });
}
