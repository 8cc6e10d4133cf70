import type { Report } from '../db/schema.ts';
import type { Program } from '../programs/programs.ts';
import { formatLocalDate } from '../triage/resolution-date.ts';
import { fillTemplate, type TemplateValues } from './template-variables.ts';
import { programBaseUrl } from '../programs/program-hosts.ts';

/** The variables' values for one report; the tracking link itself is never known (only its hash is stored). */
export function templateValuesFor(report: Report, program: Program, baseUrl: string): TemplateValues {
  return {
    reference: report.reference,
    title: report.title,
    reporterName: report.reporter_name ?? report.reporter_handle ?? 'there',
    expectedResolutionDate: report.expected_resolution_date ? formatLocalDate(report.expected_resolution_date) : 'not set yet',
    policyUrl: `${programBaseUrl(baseUrl, program)}/policy`, // the program's own host
    trackingHint: `You can follow ${report.reference} and reply with the private tracking link you received when you submitted it${report.reporter_email ? ', or by answering our e-mails' : ''}.`,
    programName: program.config.vendor,
  };
}

/** A template's text filled for a report, ready for the composer or a closing note. */
export function fillForReport(body: string, report: Report, program: Program, baseUrl: string): string {
  return fillTemplate(body, templateValuesFor(report, program, baseUrl));
}
