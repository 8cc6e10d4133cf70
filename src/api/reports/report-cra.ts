import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { CRA_KINDS, CRA_STEPS } from '../../cra/cra-clocks.ts';
import { clocksOf, loadCraCases } from '../../cra/load-cra-view.ts';

/** The EU Cyber Resilience Act Article 14 reporting of a report (src/cra/, docs/cra.md). */
export const craCaseSchema = z
  .object({
    kind: z.enum(CRA_KINDS).meta({ description: 'exploited-vulnerability (Art. 14(1)–(2)) or severe-incident (Art. 14(3)–(4)).' }),
    awareAt: z.iso.datetime().meta({ description: 'When the team became aware; every clock counts from here.' }),
    measureAvailableAt: z.iso.datetime().nullable().meta({ description: 'When a corrective or mitigating measure became available (the vulnerability’s final report is due 14 days later).' }),
    clocks: z.array(
      z.object({
        step: z.enum(CRA_STEPS),
        label: z.string(),
        article: z.string().meta({ description: 'E.g. "Art. 14(2)(a)".' }),
        state: z.enum(['running', 'overdue', 'submitted', 'waiting']).meta({ description: 'waiting: the final report of a vulnerability before a measure is available (no deadline yet).' }),
        dueAt: z.iso.datetime().nullable(),
        submittedAt: z.iso.datetime().nullable().meta({ description: 'The first recorded submission of this step, which stopped its clock.' }),
        provisional: z.boolean().meta({ description: 'An incident’s final report counted from the notification’s deadline because its submission is not recorded yet.' }),
      }),
    ),
    submissions: z.array(
      z.object({
        step: z.enum(CRA_STEPS),
        submittedAt: z.iso.datetime(),
        channel: z.enum(['single-reporting-platform', 'csirt-other', 'other']),
        reference: z.string().meta({ description: 'The reference the CSIRT gave; may be empty.' }),
      }),
    ),
  })
  .meta({ id: 'CraCase' });

export type ApiCraCase = z.infer<typeof craCaseSchema>;

/** The report's CRA cases with their clocks at `now`, in the program's zone (deadlines are instants, RFC 3339 UTC). */
export async function loadApiCra(db: Kysely<Database>, reportId: string, zone: string, now: Date = new Date()): Promise<ApiCraCase[]> {
  return (await loadCraCases(db, [reportId])).map((c) => ({
    kind: c.kind,
    awareAt: c.aware_at.toISOString(),
    measureAvailableAt: c.measure_available_at?.toISOString() ?? null,
    clocks: clocksOf(c, now, zone).map((k) => ({
      step: k.step,
      label: k.label,
      article: k.article,
      state: k.state,
      dueAt: 'dueAt' in k ? k.dueAt.toISOString() : null,
      submittedAt: 'submittedAt' in k ? (k.submittedAt?.toISOString() ?? null) : null,
      provisional: 'provisional' in k ? k.provisional : false,
    })),
    submissions: c.submissions.map((s) => ({ step: s.step, submittedAt: s.submittedAt.toISOString(), channel: s.channel, reference: s.reference })),
  }));
}
