import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { reportSubmissionSchema } from '../../domain/report-input.ts';
import { translator } from '../../i18n/translator.ts';
import { localizedFieldErrors } from '../report-form-errors.ts';
import { requestLanguage } from '../request-language.ts';
import { DatabaseUnavailableError, ValidationError } from '../../errors.ts';
import { asDatabaseUnavailable } from '../../db/database-errors.ts';
import type { Program } from '../../programs/programs.ts';
import { programSlugForHost } from '../../programs/program-hosts.ts';
import { submitReport } from '../../reports/submit-report.ts';
import { openSealedForm } from '../../intake/open-sealed-form.ts';
import { activeKeyInfo, decryptionKeys } from '../../keys/program-keys.ts';
import type { ClientBundles } from '../client-bundles.ts';
import { readMultipartForm, type ParsedForm } from '../multipart-form.ts';
import { chrome, requestProgram, sendHtml } from '../page-context.ts';
import { hitRateLimit, rateLimitKeys } from '../rate-limit.ts';
import { ReporterKeyError, validateReporterKey } from '../../mail/reporter-keys.ts';
import { assessSubmission } from '../../triage/spam-signals.ts';
import { senderHasher } from '../../triage/sender-hash.ts';
import { renderPage } from '../views/layout.tsx';
import { ReportFormPage } from '../views/report-form.tsx';

/** Submissions per client address per hour: generous for people, a wall for scripts. */
const SUBMISSIONS_PER_HOUR = 30;

export function registerReportFormRoutes(app: FastifyInstance, ctx: AppContext, bundles: ClientBundles): void {
  const limits = ctx.config.uploads;
  // The form as last shown, to show it again with what was typed while the database is away.
  const shown: { programs: Map<string, Program>; script?: string } = { programs: new Map() };
  const script = async (programId: string) => (shown.script = (await activeKeyInfo(ctx.db, programId)) ? bundles.reportForm : undefined);
  // Per host: a form sent on one program's host is that program's report (src/programs/program-hosts.ts).
  const programShown = async (req: FastifyRequest) => {
    const program = await requestProgram(ctx, req);
    shown.programs.set(program.slug, program); // by slug: a Host header cannot grow the map
    return program;
  };
  const formsRead = new WeakMap<FastifyRequest, ParsedForm>();
  // Derives its keys from the instance secret once, not per submission.
  const hasher = senderHasher(ctx.secret);
  const limitKey = rateLimitKeys(ctx.secret);

  /** A submission the database could not take: the form again with everything typed, 503 and Retry-After, never a bare error page. */
  const whileUnavailable = async (thrown: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const err = asDatabaseUnavailable(thrown);
    const program = shown.programs.get(programSlugForHost(ctx.config.programs, ctx.defaultProgramSlug, req.hostname));
    if (!(err instanceof DatabaseUnavailableError) || !program) throw thrown;
    req.log.warn({ trouble: err.trouble, err: (err.cause as Error | undefined)?.message }, 'submission refused: database unavailable');
    // Read here when the database failed before the body was (the rate limit comes first); the reader checks CSRF.
    const form = formsRead.get(req) ?? (await readMultipartForm(app, req, reply, limits));
    const { _csrf, sealed: _sealed, clientEncryption: _ce, ...values } = form.fields;
    const page = (
      <ReportFormPage chrome={chrome(req, reply, program)} program={program} csrf={reply.generateCsrf()} values={values} errors={{ _form: err.message }} limits={limits} encryptionScript={shown.script} />
    );
    reply.header('retry-after', String(err.retryAfterSeconds));
    return sendHtml(reply, renderPage(page), 503, { private: true });
  };

  app.get('/report', async (req, reply) => {
    const program = await programShown(req);
    const page = <ReportFormPage chrome={chrome(req, reply, program)} program={program} csrf={reply.generateCsrf()} values={{}} errors={{}} limits={limits} encryptionScript={await script(program.id)} />;
    return sendHtml(reply, renderPage(page), 200, { private: true });
  });

  app.post('/report', { errorHandler: whileUnavailable }, async (req, reply) => {
    const program = await programShown(req);
    // Before a byte of the body is read: a client over its limit costs no upload. CSRF is checked as the body starts.
    await hitRateLimit(ctx.db, limitKey('submit:address', req.ip), SUBMISSIONS_PER_HOUR, 3600);
    const form = await readMultipartForm(app, req, reply, limits);
    formsRead.set(req, form);

    let { fields, files } = form;
    let sealedError: Record<string, string> | undefined;
    const sealed = fields.clientEncryption === 'openpgp' && typeof fields.sealed === 'string';
    if (sealed) {
      // Files already refused are not decrypted at all; the sealed fields still are, so the page shows what was typed.
      const opened = await openSealedForm(fields, form.fileError ? [] : files, await decryptionKeys(ctx.db, ctx.secret, program.id), limits);
      ({ fields, files } = opened);
      // Sealed in the browser: if the database fails after this, the form comes back with the opened text.
      formsRead.set(req, { ...form, fields });
      if (opened.error) sealedError = { [opened.error.field]: opened.error.message };
    }
    // The page's language is the report's: its mail is written in it (docs/languages.md).
    const language = requestLanguage(req, program.config);
    const parsed = reportSubmissionSchema(program.config.products.map((p) => p.id)).safeParse(fields);
    let errors: Record<string, string> = parsed.success ? {} : localizedFieldErrors(parsed.error, translator(language));
    if (form.fileError) errors = { ...errors, attachments: form.fileError };
    if (sealedError) errors = { ...sealedError, ...errors };
    if (parsed.success && !form.fileError && !sealedError) {
      try {
        // A key the reporter gave encrypts every mail to them; a bad one is a field error (ReporterKeyError),
        // checked first so a refused form costs no spam screening, per-address count or duplicate search.
        const reporterKey = fields.publicKey?.trim() ? await validateReporterKey(fields.publicKey) : undefined;
        // Spam signals quarantine the report (never refuse it); stored with the report's row.
        const assessment = await assessSubmission(ctx.db, hasher, { programId: program.id, input: parsed.data, ip: req.ip });
        const submitted = await submitReport(ctx.db, ctx.vault, {
          program,
          input: parsed.data,
          files,
          channel: 'web',
          language,
          assessment,
          receipt: { secret: ctx.secret },
          ...(reporterKey ? { reporterKey } : {}),
          ...(sealed ? { clientEncryption: 'openpgp' as const } : {}),
        });
        req.log.info({ reference: submitted.reference }, 'report submitted');
        // The tracking page doubles as the receipt; 303 so a reload does not resubmit.
        return reply.redirect(`/track/${submitted.trackingToken}?submitted=1`, 303);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        errors = err.fields;
        if (err instanceof ReporterKeyError) errors = { ...errors, publicKey: translator(language).t(`form.error.key.${err.problem}`, err.values) };
        if (errors.acceptPolicy) errors = { ...errors, acceptPolicy: translator(language).t('form.error.policyChanged') };
      }
    }
    const { _csrf, sealed: _sealed, clientEncryption: _ce, ...values } = fields;
    const page = (
      <ReportFormPage chrome={chrome(req, reply, program)} program={program} csrf={reply.generateCsrf()} values={values} errors={errors} limits={limits} encryptionScript={await script(program.id)} />
    );
    return sendHtml(reply, renderPage(page), 422, { private: true });
  });
}
