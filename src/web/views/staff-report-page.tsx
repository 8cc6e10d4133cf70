import { Fragment } from 'preact';
import type { Report } from '../../db/schema.ts';
import { isUnanswered, nextStates } from '../../domain/lifecycle.ts';
import { VULNERABILITY_TYPES } from '../../domain/report-input.ts';
import type { Program } from '../../programs/programs.ts';
import type { AttachmentInfo, TimelineEntry } from '../../reports/read-report.ts';
import { Layout, type PageChrome } from './layout.tsx';
import { AttachmentList, Timeline } from './timeline.tsx';
import type { TriageView } from '../../triage/load-triage-view.ts';
import { DuplicatesPanel } from './duplicates-panel.tsx';
import { isLikelyDuplicate } from '../../triage/duplicate-suggestions.ts';
import { EvaluationPanel, SeverityPanel } from './report-triage-panel.tsx';
import { SsvcPanel } from './ssvc-panel.tsx';
import { StaffDisclosurePanel } from './disclosure-panels.tsx';
import { readDisclosure } from '../../disclosure/disclosure-rules.ts';
import { ReportAdvisoryPanel } from './staff-advisory-pages.tsx';
import { StaffPrivacyPanel } from './privacy-panels.tsx';
import { earlyNoticeRecommendation } from '../../subscriptions/early-notice.ts';
import { readSsvc } from '../../triage/set-ssvc.ts';
import type { ReportExtrasView } from '../../triage/load-report-extras.ts';
import { ClosePanel, QuarantinePanel } from './report-closing-panel.tsx';
import { ConvertPanel, CreditDuplicatePanel, WatchPanel, type CollabView } from './report-collab-panel.tsx';
import { ReportDeliveriesPanel } from './deliveries-page.tsx';
import { MailEvidencePanel, type MailEvidenceView } from './mail-evidence-panel.tsx';
import { PolicyAcceptanceText } from './policy-acceptance.tsx';
import { readPolicyAcceptance } from '../../domain/policy-acceptance.ts';
import type { JobStatus } from '../../jobs/job-status.ts';
import type { RefusedDelivery } from '../../mail/deliveries.ts';
import { ReportHeader } from './report-header-panel.tsx';
import { NextStepPanel, STEP_PANELS, nextStepFor } from './report-next-step-panel.tsx';
import { Group, openGroups } from './report-groups-panel.tsx';
import { ReportComposer, type ComposerDraft, type ComposerTemplate } from './report-composer-panel.tsx';
import { StatusAndAssigneePanel } from './report-status-panel.tsx';
import { IssueTrackerPanel } from './report-trackers-panel.tsx';
import type { TrackerPanelView } from '../../trackers/link-issue.ts';
import { CraReportPanel, type CraPanelView } from './cra-panel.tsx';
import { CoordinationGroup, PartyAnswers } from './coordination-panel.tsx';
import type { CoordinationView } from '../../coordination/load-coordination.ts';
import { ReportAccessPanel } from './restricted-access-views.tsx';

const CREDIT_LABELS = { name: 'By name', handle: 'By handle', anonymous: 'Anonymously', none: 'No credit' } as const;

/**
 * The staff report page: a summary header, then what the report needs next
 * by state (src/web/views/report-next-step-panel.tsx) above the report and its
 * thread; status and assignee always in view in the side column, everything
 * else in collapsible groups there. Works without JavaScript.
 */
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
  draft?: ComposerDraft;
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
  /** Leads and admins: compose a TLP:AMBER early customer notice (src/web/routes/staff-early-notice.tsx). */
  canSendEarlyNotice?: boolean;
  /** Set for the program's admins: export and erase the reporter's personal data. */
  privacy?: { confirm: boolean };
  /** The report's mail to the reporter not sent yet (src/jobs/job-status.ts), and whether the viewer may retry it. */
  deliveries?: { jobs: JobStatus[]; refused: RefusedDelivery[]; canRetry: boolean };
  /** The mails this report came from or was answered by (src/mail-intake/mail-evidence-view.ts). */
  mail?: MailEvidenceView;
  /** The program's canned responses filled for this report, for the message box's "Insert". */
  cannedTemplates?: ComposerTemplate[];
  /** EU CRA Article 14 reporting (src/web/views/cra-panel.tsx): above the report while a clock runs, else a group. */
  cra?: CraPanelView;
  /** Who may read the report (restricted reports, src/reports/restrict-report.ts), and the members a lead or admin may name. */
  access?: { named: { id: string; displayName: string }[]; members: { id: string; displayName: string }[]; canChange: boolean };
  /** Linked issues in the program's trackers, and filing one (src/web/views/report-trackers-panel.tsx); undefined: no tracker configured. */
  trackers?: TrackerPanelView;
  /** Multi-party coordination (src/web/views/coordination-panel.tsx): invited parties, shared messages. */
  coordination?: CoordinationView;
  /** The action just done (`?done=`): its group stays open. */
  done?: string;
}) {
  const { report, program } = props;
  const base = `/staff/reports/${report.reference}`;
  const product = program.config.products.find((p) => p.id === report.product)?.name ?? report.product;
  const vulnType = VULNERABILITY_TYPES.find(([id]) => id === report.vulnerability_type)?.[1] ?? report.vulnerability_type;
  const assignee = props.assignable.find((s) => s.id === report.assignee_id);
  const now = props.triage?.now ?? new Date();
  const step = nextStepFor(report, props.canEdit);
  const first = new Set<string>(STEP_PANELS[step]);
  const open = openGroups({
    done: props.done,
    errorFields: Object.keys(props.triage?.form.errors ?? {}),
    cweSearch: props.triage?.cweSearch != null,
  });
  const disclosure = readDisclosure(report);
  const earlyNotice = earlyNoticeRecommendation({ rule: program.config.earlyCustomerNotice, state: report.state, severity: report.severity, expectedResolutionDate: report.expected_resolution_date, hasAdvisory: props.advisory !== undefined, now });
  const panels = {
    evaluation: props.triage ? <EvaluationPanel view={props.triage} report={report} base={base} csrf={props.csrf} canEdit={props.canEdit} /> : null,
    severity: props.triage ? <SeverityPanel view={props.triage} base={base} csrf={props.csrf} canEdit={props.canEdit} /> : null,
    disclosure: (
      <>
        <StaffDisclosurePanel state={report.state} date={disclosure} defaultTimeZone={program.config.calendar.timeZone} now={now} base={base} csrf={props.csrf} canEdit={props.canEdit} form={props.triage?.form} />
        <PartyAnswers parties={props.coordination?.parties ?? []} date={disclosure} />
      </>
    ),
    advisory: <ReportAdvisoryPanel reference={report.reference} advisory={props.advisory} canEdit={props.canDraftAdvisory ?? false} csrf={props.csrf} earlyNotice={earlyNotice} earlyNoticeHref={props.canSendEarlyNotice && props.advisory?.state !== 'published' ? `${base}/early-notice` : undefined} />,
  };
  const later = (key: keyof typeof panels) => (first.has(key) ? null : panels[key]);
  const ssvc = readSsvc(report.ssvc);
  // Only the candidates the Duplicates panel calls likely (src/triage/duplicate-suggestions.ts); the rest are merely similar.
  const dupCount = props.triage ? props.triage.duplicates.filter(isLikelyDuplicate).length : 0;
  return (
    <Layout chrome={props.chrome} title={`${report.reference} ${report.title}`} wide scripts={props.scripts}>
      <ReportHeader report={report} triage={props.triage} assignee={assignee?.displayName} product={product} vulnType={vulnType} />
      {props.flash ? (
        <p class={`notice ${props.flash.kind}`} role={props.flash.kind === 'error' ? 'alert' : 'status'}>{props.flash.message}</p>
      ) : null}
      <div class="report-page">
        <div class="report-main">
          <div class="report-next">
            {props.extras ? <QuarantinePanel extras={props.extras} base={base} csrf={props.csrf} canEdit={props.canEdit} /> : null}
            <CraReportPanel view={props.cra} base={base} csrf={props.csrf} place="next" />
            <NextStepPanel step={step} report={report}>
              {STEP_PANELS[step].map((key) => <Fragment key={key}>{panels[key]}</Fragment>)}
            </NextStepPanel>
          </div>
          <article class="report-body" aria-labelledby="report-h">
            <h2 id="report-h" class="visually-hidden">The report</h2>
            <h3>Description</h3>
            <div class="text">{report.description}</div>
            <h3>Steps to reproduce</h3>
            <div class="text">{report.steps_to_reproduce}</div>
            <h3>Impact</h3>
            <div class="text">{report.impact}</div>
            <h3>Reporter’s CVSS</h3>
            <p>{report.reporter_cvss_vector ? <code class="vector">{report.reporter_cvss_vector}</code> : <span class="meta">None given.</span>}</p>
            <h3>Attachments</h3>
            {props.attachments.length ? (
              <AttachmentList attachments={props.attachments} hrefBase={`${base}/attachments`} />
            ) : (
              <p class="meta">None.</p>
            )}
            {props.mail ? <MailEvidencePanel view={props.mail} base={base} /> : null}
          </article>
          <div class="report-thread">
            <h2 id="timeline">Timeline</h2>
            <Timeline entries={props.timeline} audience="staff" attachmentHref={`${base}/attachments`} />
            {props.canEdit ? <ReportComposer base={base} csrf={props.csrf} draft={props.draft} templates={props.cannedTemplates ?? []} parties={props.coordination?.canShare ? props.coordination.parties.filter((p) => !p.revokedAt).map((p) => ({ id: p.id, label: `Party ${p.number}, ${p.name}` })) : undefined} /> : null}
          </div>
        </div>
        <div class="report-aside">
          <div class="report-quick">
            {props.canEdit ? (
              <StatusAndAssigneePanel report={report} program={program} assignable={props.assignable} base={base} csrf={props.csrf} />
            ) : (
              <p class="meta">Assigned to {assignee?.displayName ?? 'nobody'}. Your role can read this report but not change it.</p>
            )}
            {props.deliveries ? <ReportDeliveriesPanel jobs={props.deliveries.jobs} refused={props.deliveries.refused} canRetry={props.deliveries.canRetry} base={base} csrf={props.csrf} /> : null}
          </div>
          <div class="report-groups">
            <Group id="reporter" title="Reporter and watchers" open summary={report.reporter_name ?? report.reporter_handle ?? 'anonymous'}>
              <section aria-labelledby="reporter-h">
                <h2 id="reporter-h">Reporter</h2>
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
              {props.collab ? <WatchPanel view={props.collab} base={base} csrf={props.csrf} /> : null}
              {props.canEdit && props.collab ? <CreditDuplicatePanel view={props.collab} base={base} csrf={props.csrf} /> : null}
            </Group>
            {props.triage ? (
              <Group
                id="severity"
                title={first.has('severity') ? 'SSVC priority' : 'Severity and classification'}
                open={(open.has('severity') && !first.has('severity')) || open.has('ssvc')}
                summary={[
                  !first.has('severity') ? (props.triage.team ? `${props.triage.team.score} ${props.triage.team.severity}` : 'not scored') : null,
                  !first.has('severity') && props.triage.cwe ? `CWE-${props.triage.cwe.id}` : null,
                  ssvc ? `SSVC ${ssvc.priority.replace('-', ' ')}` : 'SSVC not assessed',
                ].filter(Boolean).join(' · ')}
              >
                {later('severity')}
                <SsvcPanel base={base} csrf={props.csrf} decision={ssvc} values={props.triage.form.values} errors={props.triage.form.errors} canEdit={props.canEdit} />
              </Group>
            ) : null}
            {/* Outside the evaluate step: the date once set, or reopening a verdict with an evaluation. */}
            {!first.has('evaluation') && props.triage && (report.expected_resolution_date || (props.canEdit && isUnanswered(report.state, report.resume_state))) ? (
              <Group id="evaluation" title="Evaluation and fix date" open={open.has('evaluation')} summary={report.expected_resolution_date ? `fix expected ${report.expected_resolution_date}` : 'reopen with an evaluation'}>
                {later('evaluation')}
              </Group>
            ) : null}
            {!(first.has('disclosure') && first.has('advisory')) ? (
              <Group id="disclosure" title="Disclosure and advisory" open={open.has('disclosure')} summary={[disclosure ? `date ${disclosure.status.replace(/-/g, ' ')}` : 'no date', props.advisory ? `advisory ${props.advisory.state}` : 'no advisory'].join(' · ')}>
                {later('disclosure')}
                {later('advisory')}
              </Group>
            ) : null}
            <CraReportPanel view={props.cra} base={base} csrf={props.csrf} place="group" />
            <CoordinationGroup view={props.coordination} base={base} csrf={props.csrf} open={props.done?.startsWith('party-')} form={props.triage?.form} />
            {props.triage ? (
              <Group id="duplicates" title="Duplicates" open={open.has('duplicates')} summary={props.triage.original ? `duplicate of ${props.triage.original.reference}` : dupCount ? `${dupCount} possible` : 'none suggested'}>
                <DuplicatesPanel view={props.triage} base={base} csrf={props.csrf} canEdit={props.canEdit} canMark={nextStates(report.state).includes('duplicate')} />
              </Group>
            ) : null}
            {props.canEdit && props.extras && props.collab ? (
              <Group id="closing" title="Close" open={open.has('closing')} summary="not applicable, spam, not security">
                <ClosePanel extras={props.extras} base={base} csrf={props.csrf} />
                <ConvertPanel view={props.collab} base={base} csrf={props.csrf} />
                {!props.extras.canCloseNotApplicable && !props.extras.canCloseSpam && !props.collab.canConvert && !props.collab.converted ? (
                  <p class="meta">This report cannot be closed from its current status.</p>
                ) : null}
              </Group>
            ) : null}
            {props.access ? (
              <Group id="access" title="Access" open={props.done?.startsWith('access') ?? false} summary={report.restricted_to ? 'restricted' : 'all program members'}>
                <ReportAccessPanel reference={report.reference} named={props.access.named} members={props.access.members} csrf={props.csrf} canChange={props.access.canChange} restricted={report.restricted_to !== null} />
              </Group>
            ) : null}
            <Group id="export" title="Export" open={open.has('export')} summary="Markdown ticket">
              <IssueTrackerPanel view={props.trackers} base={base} csrf={props.csrf} />
              <section aria-labelledby="export-h">
                <h2 id="export-h">Export</h2>
                <p>
                  <a href={`${base}/ticket.md`} download>Download as a Markdown ticket</a> <span class="meta">(report, thread and triage, for another tracker)</span>
                </p>
              </section>
            </Group>
            {props.canEdit && props.privacy ? (
              <Group id="privacy" title="Reporter’s personal data" open={open.has('privacy') || props.privacy.confirm} summary={report.reporter_erased_at ? 'erased' : 'export or erase'}>
                <StaffPrivacyPanel base={base} csrf={props.csrf} erasedAt={report.reporter_erased_at} confirm={props.privacy.confirm} />
              </Group>
            ) : null}
          </div>
        </div>
      </div>
    </Layout>
  );
}
