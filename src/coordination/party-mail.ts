import type { AppContext } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { blankAddress } from '../mail/blank-address.ts';
import { unseal } from '../mail/seal.ts';
import { findParty } from './parties.ts';
import { PARTY_TOKEN_PURPOSE } from './staff-coordination.ts';
import { programConfigSchema } from '../programs/program-config.ts';
import { programBaseUrl } from '../programs/program-hosts.ts';
import { countMail } from '../mail/count-mail.ts';

type MailContext = Pick<AppContext, 'db' | 'vault' | 'config' | 'logger' | 'mailer' | 'secret' | 'metrics'>;

/** A party's private page. */
export const partyPath = (token: string) => `/party/${token}`;

/**
 * The 'party-mail' job: an invitation with the party's private link, or a
 * notice that something was shared with it. The party is read fresh, so a
 * party revoked since is not mailed. Mails name the report by its reference
 * only (relays may read plain mail); the details stay behind the link. The
 * invitation's token is scrubbed from the job once sent.
 */
export function partyMailJobHandlers(ctx: MailContext): { 'party-mail': JobHandler<'party-mail'> } {
  return {
    async 'party-mail'({ partyId, what, sealedToken }, job) {
      const scrub = () => ctx.db.updateTable('jobs').set({ payload: JSON.stringify({ partyId, what }) }).where('id', '=', job.id).execute();
      if (what === 'invitation' && !sealedToken) return; // sent and scrubbed already
      const row = await ctx.db
        .selectFrom('coordination_parties as p')
        .innerJoin('reports as r', 'r.id', 'p.report_id')
        .innerJoin('programs as g', 'g.id', 'r.program_id')
        .select(['p.report_id', 'r.reference', 'g.name as program', 'g.config as programConfig'])
        .where('p.id', '=', partyId)
        .executeTakeFirst();
      const party = row && (await findParty(ctx.db, ctx.vault, row.report_id, partyId));
      if (!row || !party || party.revokedAt) return void (await scrub());
      if (!ctx.mailer) {
        ctx.logger.warn({ jobId: job.id, what }, 'party mail not sent: EMBARGO_SMTP_URL is not set');
        return void (await scrub());
      }
      // The party's page is public-facing: on the program's own host (src/programs/program-hosts.ts).
      const base = programBaseUrl(ctx.config.baseUrl.replace(/\/$/, ''), { config: { hostnames: programConfigSchema.shape.hostnames.parse((row.programConfig as { hostnames?: unknown }).hostnames) } });
      const lines =
        what === 'invitation'
          ? [
              `The security team of ${row.program} invites you to coordinate the disclosure of vulnerability report ${row.reference}.`,
              '',
              'Your private page for this report (keep it to yourself: anyone with the link can read and post as you):',
              base + partyPath(unseal(ctx.secret, PARTY_TOKEN_PURPOSE, partyId, Buffer.from(sealedToken!, 'base64')).toString()),
              '',
              'There you read what the team shares with you, answer, say whether you are affected, when you expect a fix, and whether the proposed disclosure date suits you.',
            ]
          : what === 'disclosure-date'
            ? [`A new disclosure date was proposed for report ${row.reference}.`, '', 'Accept it or propose another on your private page for this report (the link in your invitation): the date is agreed only once every engaged party accepts it.']
            : [`The security team of ${row.program} shared something new with you about report ${row.reference}.`, '', 'Read it on your private page for this report (the link in your invitation).'];
      const subject =
        what === 'invitation'
          ? `[${row.reference}] Invitation to coordinate a vulnerability disclosure`
          : what === 'disclosure-date'
            ? `[${row.reference}] A disclosure date to answer`
            : `[${row.reference}] New on your coordination page`;
      try {
        const text = [`Hello ${party.name},`, '', ...lines, '', '-- ', `Embargo at ${ctx.config.baseUrl}`].join('\n');
        await countMail(ctx.metrics, 'party', () => ctx.mailer!.send({ to: party.email, subject, text }));
      } catch (err) {
        throw new Error(blankAddress((err as Error).message, party.email));
      }
      ctx.logger.info({ jobId: job.id, what }, 'party mail sent');
      if (what === 'invitation') await scrub();
    },
  };
}
