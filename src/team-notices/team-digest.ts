import type { AppContext } from '../context.ts';
import { localDateOf, wallTime } from '../calendar/zoned-time.ts';
import type { Db } from '../db/database.ts';
import type { TeamNoticeKind } from '../db/team-notice-tables.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { sumIsolated } from '../jobs/sum-isolated.ts';
import type { OutgoingMail } from '../mail/mailer.ts';
import { staffMailText, staffReportUrl } from '../mail/staff-mail.ts';
import { programSla } from '../sla/report-clocks.ts';
import type { NotificationPreferences } from './preferences.ts';
import { noticeRecipients } from './team-members.ts';
import { preferencesNote } from './team-mail.ts';

/**
 * How far behind `now` a digest's window ends. A notice is stamped when the
 * notify-team job's transaction starts and seen by others when it commits; a
 * window ending this far back never closes over one still being written (the
 * next digest has it).
 */
export const SETTLE_MS = 5 * 60_000;
/** The first digest of a person and program looks back this far (past a long weekend of closed days). */
const FIRST_WINDOW_MS = 7 * 24 * 3_600_000;

const wantsDigest = (p: NotificationPreferences) => p.quarantined === 'digest' || Object.values(p.deliveries).includes('digest');

/**
 * Queues today's digest for every member who hears of new work, wants some of
 * it in a digest, and whose digest hour has come in the program's time zone
 * (on the calendar's working days only, unless they chose every day). Once per
 * person, program and local day (team_digests' key), however often the sweep
 * runs; the job sends nothing when nothing happened. Returns how many were queued.
 */
export async function queueTeamDigests(db: Db, now: Date = new Date(), onError?: (err: unknown, item: { userId?: string; programId: string }) => void): Promise<number> {
  const programs = await db.selectFrom('programs').select(['id', 'config']).execute();
  const due: { userId: string; programId: string; day: string }[] = [];
  // A program whose settings cannot be read (a hand-edited config) must not stop the other programs' digests.
  await sumIsolated(
    programs,
    async (program) => {
      const { calendar } = programSla(program.config);
      const day = localDateOf(now, calendar.timeZone);
      const hour = Math.floor(wallTime(now, calendar.timeZone).msOfDay / 3_600_000);
      for (const person of await noticeRecipients(db, program.id)) {
        const p = person.preferences;
        if (!wantsDigest(p) || hour < p.digestHour || (p.workingDaysOnly && !calendar.dayStatus(day).open)) continue;
        due.push({ userId: person.userId, programId: program.id, day });
      }
      return 0;
    },
    onError && ((err, program) => onError(err, { programId: program.id })),
  );
  const coveredUntil = new Date(now.getTime() - SETTLE_MS);
  return sumIsolated(
    due,
    (d) =>
      db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('team_digests')
          .values({ user_id: d.userId, program_id: d.programId, day: d.day, covered_until: coveredUntil })
          .onConflict((oc) => oc.doNothing())
          .returning('user_id')
          .executeTakeFirst();
        if (!row) return 0;
        await enqueueJob(trx, 'team-digest', d);
        return 1;
      }),
    onError && ((err, d) => onError(err, d)),
  );
}

/** The order of a digest's sections. */
const SECTIONS: readonly (TeamNoticeKind | 'quarantined')[] = ['new-report', 'reporter-reply', 'disclosure-proposal', 'quarantine-released', 'quarantined'];
const SECTION_TITLES: Record<TeamNoticeKind | 'quarantined', string> = {
  'new-report': 'New reports',
  'reporter-reply': 'Reporters replied',
  'disclosure-proposal': 'Reporters proposed or agreed to a disclosure date',
  'quarantine-released': 'Released from quarantine',
  quarantined: 'Quarantined as likely spam (nobody was told at once)',
};

/**
 * One 'team-digest' job's mail: what happened in the program since the
 * person's previous digest, for the kinds they chose to get in it, by
 * reference with links to the staff pages. Nothing when there is nothing, or
 * when the person was deactivated or left the program.
 */
export async function teamDigestMail(ctx: AppContext, args: { userId: string; programId: string; day: string }): Promise<OutgoingMail | undefined> {
  const digest = await ctx.db
    .selectFrom('team_digests')
    .select('covered_until')
    .where('user_id', '=', args.userId)
    .where('program_id', '=', args.programId)
    .where('day', '=', args.day)
    .executeTakeFirst();
  const [person] = await noticeRecipients(ctx.db, args.programId, args.userId);
  if (!digest || !person) return undefined;
  const previous = await ctx.db
    .selectFrom('team_digests')
    .select((eb) => eb.fn.max('covered_until').as('at'))
    .where('user_id', '=', args.userId)
    .where('program_id', '=', args.programId)
    .where('covered_until', '<', digest.covered_until)
    .executeTakeFirst();
  const from = previous?.at ? new Date(previous.at) : new Date(digest.covered_until.getTime() - FIRST_WINDOW_MS);
  const notices = await ctx.db
    .selectFrom('team_notices as n')
    .innerJoin('reports as r', 'r.id', 'n.report_id')
    .select(['n.kind', 'n.quarantined', 'n.actor_id', 'r.reference'])
    .where('n.program_id', '=', args.programId)
    .where('n.noticed_at', '>', from)
    .where('n.noticed_at', '<=', digest.covered_until)
    .orderBy('n.noticed_at')
    .execute();
  const p = person.preferences;
  const sections = new Map<TeamNoticeKind | 'quarantined', string[]>();
  for (const n of notices) {
    const section = n.quarantined ? 'quarantined' : n.kind;
    const wanted = n.quarantined ? p.quarantined === 'digest' : p.deliveries[n.kind] === 'digest';
    if (!wanted || n.actor_id === args.userId) continue;
    const lines = sections.get(section) ?? [];
    const line = `- ${n.reference}: ${staffReportUrl(ctx.config.baseUrl, n.reference)}`;
    if (!lines.includes(line)) lines.push(line);
    sections.set(section, lines);
  }
  if (sections.size === 0) return undefined;
  const count = [...sections.values()].reduce((a, l) => a + l.length, 0);
  const program = await ctx.db.selectFrom('programs').select('name').where('id', '=', args.programId).executeTakeFirstOrThrow();
  const paragraphs = SECTIONS.filter((s) => sections.has(s)).map((s) => [`${SECTION_TITLES[s]}:`, ...sections.get(s)!].join('\n'));
  if (sections.has('quarantined')) paragraphs.push(`Decide on quarantined reports: ${ctx.config.baseUrl}/staff/reports/quarantine`);
  return {
    to: person.email,
    subject: `Embargo: new work for ${program.name}, ${args.day} (${count} item${count === 1 ? '' : 's'})`,
    text: staffMailText({
      displayName: person.displayName,
      paragraphs: [`What happened in ${program.name} since your last digest:`, ...paragraphs],
      baseUrl: ctx.config.baseUrl,
      footerNote: preferencesNote(ctx.config.baseUrl),
    }),
  };
}

/** How long notices and digest records are kept: far past any digest window (the first looks back 7 days). */
export const NOTICE_RETENTION_DAYS = 60;

/** Deletes notices and digest records older than NOTICE_RETENTION_DAYS; rides on the recurring sweep. Returns how many rows went. */
export async function pruneTeamNotices(db: Db, now: Date = new Date()): Promise<number> {
  const before = new Date(now.getTime() - NOTICE_RETENTION_DAYS * 24 * 3_600_000);
  const notices = await db.deleteFrom('team_notices').where('noticed_at', '<', before).executeTakeFirst();
  const digests = await db.deleteFrom('team_digests').where('covered_until', '<', before).executeTakeFirst();
  return Number(notices.numDeletedRows) + Number(digests.numDeletedRows);
}
