import type { Report } from '../../db/schema.ts';
import { STATE_LABELS, acceptanceProblem, nextStates } from '../../domain/lifecycle.ts';
import { VULNERABILITY_TYPES } from '../../domain/report-input.ts';
import type { Program } from '../../programs/programs.ts';
import type { AttachmentInfo, TimelineEntry } from '../../reports/read-report.ts';
import { FieldError, Layout, formatDate, type PageChrome } from './layout.tsx';
import { AttachmentList, Timeline } from './timeline.tsx';
import type { TriageView } from '../../triage/load-triage-view.ts';
import { DuplicatesPanel } from './duplicates-panel.tsx';
import { EvaluationPanel, SeverityPanel } from './report-triage-panel.tsx';
import { SsvcPanel } from './ssvc-panel.tsx';
import { StaffDisclosurePanel } from './disclosure-panels.tsx';
import { readDisclosure } from '../../disclosure/disclosure-rules.ts';
import { ReportAdvisoryPanel } from './staff-advisory-pages.tsx';
import { StaffPrivacyPanel } from './privacy-panels.tsx';
import { earlyNoticeRecommendation } from '../../subscriptions/early-notice.ts';
import { readSsvc } from '../../triage/set-ssvc.ts';
import { SlaClocksPanel } from './sla-clocks-panel.tsx';
import type { ReportExtrasView } from '../../triage/load-report-extras.ts';
import { CannedPicker, ClosePanel, QuarantinePanel } from './report-closing-panel.tsx';
import { ConvertPanel, CreditDuplicatePanel, WatchPanel, type CollabView } from './report-collab-panel.tsx';
import { ReportDeliveriesPanel } from './deliveries-page.tsx';
import { MailEvidencePanel, type MailEvidenceView } from './mail-evidence-panel.tsx';
import { PolicyAcceptanceText } from './policy-acceptance.tsx';
import { readPolicyAcceptance } from '../../domain/policy-acceptance.ts';
import type { JobStatus } from '../../jobs/job-status.ts';
import type { RefusedDelivery } from '../../mail/deliveries.ts';

const CREDIT_LABELS = { name: 'By name', handle: 'By handle', anonymous: 'Anonymously', none: 'No credit' } as const;

export function StaffReportPage(props: {
  chrome: PageChrome;
  report: Report;
  program: Program;
  policyVersion: number;
  timeline: TimelineEntry[];
  attachments: AttachmentInfo[];
  assignable: { id: string; displayName: string }[];
  canEdit: boolean;
  csrf: string;
  flash?: { kind: 'error' | 'success'; message: string };
  draft?: { body: string; visibility: 'reporter' | 'internal'; error?: string };
  triage?: TriageView;
  /** Canned responses, closing and quarantine (src/triage/load-report-extras.ts). */
  extras?: ReportExtrasView;
  /** Watchers, converting to a ticket, crediting a duplicate (src/web/routes/staff-collab.tsx). */
  collab?: CollabView;
  /** Progressive enhancement (the CVSS picker); the page works without it. */
  scripts?: string[];
  /** The report's advisory, if one was drafted; `canDraftAdvisory` offers to start one. */
  advisory?: { id: string; publicId: string | null; state: 'draft' | 'published' };
  canDraftAdvisory?: boolean;
  /** Set for the program's admins: export and erase the reporter's personal data. */
  privacy?: { confirm: boolean };
  /** The report's mail to the reporter not sent yet (src/jobs/job-status.ts), and whether the viewer may retry it. */
  deliveries?: { jobs: JobStatus[]; refused: RefusedDelivery[]; canRetry: boolean };
  /** The mails this report came from or was answered by (src/mail-intake/mail-evidence-view.ts). */
  mail?: MailEvidenceView;
}) {
  const { report, program } = props;
  // Moves the lifecycle would refuse for want of the promised evaluation are not offered (src/domain/lifecycle.ts).
  const moves = nextStates(report.state).filter(
    (to) =>
      acceptanceProblem({
        from: report.state,
        to,
        resumeState: report.resume_state,
        promise: program.config.sla.firstResponse,
        // The expected resolution date is set only with the evaluation.
        evaluationSent: report.expected_resolution_date !== null,
      }) === undefined,
  );
  const base = `/staff/reports/${report.reference}`;
  const product = program.config.products.find((p) => p.id === report.product)?.name ?? report.product;
  const vulnType = VULNERABILITY_TYPES.find(([id]) => id === report.vulnerability_type)?.[1] ?? report.vulnerability_type;
  const assignee = props.assignable.find((s) => s.id === report.assignee_id);
  return (
    <Layout chrome={props.chrome} title={`${report.reference} ${report.title}`} wide scripts={props.scripts}>
      <p class="breadcrumb">
        <a href="/staff/reports">Inbox</a> › {report.reference}
      </p>
      <h1>
        <span class="reference">{report.reference}</span> {report.title}
      </h1>
      {props.flash ? (
        <p class={`notice ${props.flash.kind}`} role={props.flash.kind === 'error' ? 'alert' : 'status'}>{props.flash.message}</p>
      ) : null}
      {props.extras ? <QuarantinePanel extras={props.extras} base={base} csrf={props.csrf} canEdit={props.canEdit} /> : null}
      <div class="report-layout">
        <div class="report-main">
          <dl class="summary">
            <dt>Status</dt>
            <dd><span class={`state state-${report.state}`}>{STATE_LABELS[report.state]}</span></dd>
            <dt>Product</dt>
            <dd>{product} · {report.product_version}</dd>
            <dt>Kind</dt>
            <dd>{vulnType}</dd>
            <dt>Reporter’s CVSS</dt>
            <dd>{report.reporter_cvss_vector ? <code>{report.reporter_cvss_vector}</code> : <span class="meta">none given</span>}</dd>
            <dt>Received</dt>
            <dd>{formatDate(report.created_at)} via {report.channel}</dd>
          </dl>
          {props.triage ? <SlaClocksPanel clocks={props.triage.clocks} timeZone={props.triage.timeZone} now={props.triage.now} /> : null}
          <h2>Description</h2>
          <div class="text">{report.description}</div>
          <h2>Steps to reproduce</h2>
          <div class="text">{report.steps_to_reproduce}</div>
          <h2>Impact</h2>
          <div class="text">{report.impact}</div>
          <h2>Attachments</h2>
          {props.attachments.length ? (
            <AttachmentList attachments={props.attachments} hrefBase={`${base}/attachments`} />
          ) : (
            <p class="meta">None.</p>
          )}
          {props.mail ? <MailEvidencePanel view={props.mail} base={base} /> : null}
          {props.triage ? <DuplicatesPanel view={props.triage} base={base} csrf={props.csrf} canEdit={props.canEdit} canMark={nextStates(report.state).includes('duplicate')} /> : null}
          <h2 id="timeline">Timeline</h2>
          <Timeline entries={props.timeline} audience="staff" attachmentHref={`${base}/attachments`} />
          {props.canEdit ? (
            <section aria-labelledby="write-h" class="composer">
              <h2 id="write-h">Write</h2>
              {props.extras ? <CannedPicker extras={props.extras} base={base} /> : null}
              <form method="post" action={`${base}/messages`} enctype="multipart/form-data">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <fieldset class="choices">
                  <legend>Who sees it</legend>
                  <label class="choice">
                    <input type="radio" name="visibility" value="reporter" checked={props.draft?.visibility !== 'internal'} /> Reply to the reporter
                  </label>
                  <label class="choice">
                    <input type="radio" name="visibility" value="internal" checked={props.draft?.visibility === 'internal'} /> Internal note (team only)
                  </label>
                </fieldset>
                <div class={props.draft?.error ? 'field invalid' : 'field'}>
                  <label for="body">Message</label>
                  <FieldError id="body" message={props.draft?.error} />
                  <textarea id="body" name="body" rows={6} required>{props.draft?.body ?? ''}</textarea>
                </div>
                <div class="field">
                  <label for="attachments">Attachments <span class="optional">(optional)</span></label>
                  <input id="attachments" name="attachments" type="file" multiple />
                </div>
                <button type="submit" class="primary">Send</button>
              </form>
            </section>
          ) : null}
        </div>
        <aside class="report-side" aria-label="Actions">
          <section>
            <h2>Reporter</h2>
            <dl class="summary">
              <dt>Name</dt>
              <dd>{report.reporter_name ?? <span class="meta">not given</span>}</dd>
              <dt>Handle</dt>
              <dd>{report.reporter_handle ?? <span class="meta">not given</span>}</dd>
              <dt>E-mail</dt>
              <dd>{report.reporter_email ?? <span class="meta">not given</span>}</dd>
              <dt>Credit</dt>
              <dd>{CREDIT_LABELS[report.credit_preference]}</dd>
              <dt>Policy</dt>
              <dd><PolicyAcceptanceText acceptance={readPolicyAcceptance(report, props.policyVersion)} /></dd>
            </dl>
          </section>
          {props.deliveries ? <ReportDeliveriesPanel jobs={props.deliveries.jobs} refused={props.deliveries.refused} canRetry={props.deliveries.canRetry} base={base} csrf={props.csrf} /> : null}
          {props.collab ? <WatchPanel view={props.collab} base={base} csrf={props.csrf} /> : null}
          {props.triage ? <SeverityPanel view={props.triage} base={base} csrf={props.csrf} canEdit={props.canEdit} /> : null}
          {props.triage ? <SsvcPanel base={base} csrf={props.csrf} decision={readSsvc(report.ssvc)} values={props.triage.form.values} errors={props.triage.form.errors} canEdit={props.canEdit} /> : null}
          {props.triage ? <EvaluationPanel view={props.triage} report={report} base={base} csrf={props.csrf} canEdit={props.canEdit} /> : null}
          <StaffDisclosurePanel state={report.state} date={readDisclosure(report)} defaultTimeZone={program.config.calendar.timeZone} now={props.triage?.now ?? new Date()} base={base} csrf={props.csrf} canEdit={props.canEdit} form={props.triage?.form} />
          <ReportAdvisoryPanel
            reference={report.reference}
            advisory={props.advisory}
            canEdit={props.canDraftAdvisory ?? false}
            csrf={props.csrf}
            earlyNotice={earlyNoticeRecommendation({ rule: program.config.earlyCustomerNotice, state: report.state, severity: report.severity, expectedResolutionDate: report.expected_resolution_date, hasAdvisory: props.advisory !== undefined, now: props.triage?.now ?? new Date() })}
          />
          {props.canEdit ? (
            <>
              <section>
                <h2>Status</h2>
                {moves.length ? (
                  <form method="post" action={`${base}/state`}>
                    <input type="hidden" name="_csrf" value={props.csrf} />
                    <div class="field">
                      <label for="to">Move to</label>
                      <select id="to" name="to" required>
                        <option value="">Choose…</option>
                        {moves.map((s) => (
                          <option key={s} value={s}>{STATE_LABELS[s]}</option>
                        ))}
                      </select>
                      {moves.length < nextStates(report.state).length ? (
                        <p class="hint">To acknowledge it, send the evaluation and the expected resolution date the policy promises (Evaluation).</p>
                      ) : null}
                    </div>
                    <div class="field">
                      <label for="reason">Reason <span class="optional">(optional, shown to the reporter)</span></label>
                      <input id="reason" name="reason" maxLength={500} />
                    </div>
                    <button type="submit">Change status</button>
                  </form>
                ) : (
                  <p class="meta">This status is final.</p>
                )}
              </section>
              {props.extras ? <ClosePanel extras={props.extras} base={base} csrf={props.csrf} /> : null}
              {props.collab ? <ConvertPanel view={props.collab} base={base} csrf={props.csrf} /> : null}
              {props.collab ? <CreditDuplicatePanel view={props.collab} base={base} csrf={props.csrf} /> : null}
              {props.privacy ? <StaffPrivacyPanel base={base} csrf={props.csrf} erasedAt={report.reporter_erased_at} confirm={props.privacy.confirm} /> : null}
              <section>
                <h2>Assignee</h2>
                <form method="post" action={`${base}/assign`}>
                  <input type="hidden" name="_csrf" value={props.csrf} />
                  <div class="field">
                    <label for="assignee">Assigned to</label>
                    <select id="assignee" name="assignee">
                      <option value="" selected={!report.assignee_id}>Nobody</option>
                      {props.assignable.map((s) => (
                        <option key={s.id} value={s.id} selected={s.id === report.assignee_id}>{s.displayName}</option>
                      ))}
                    </select>
                  </div>
                  <button type="submit">Assign</button>
                </form>
              </section>
            </>
          ) : (
            <p class="meta">Assigned to {assignee?.displayName ?? 'nobody'}. Your role can read this report but not change it.</p>
          )}
        </aside>
      </div>
    </Layout>
  );
}
