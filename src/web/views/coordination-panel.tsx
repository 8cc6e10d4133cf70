import type { CoordinationView } from '../../coordination/load-coordination.ts';
import { PARTY_ROLES, ROLE_LABELS, STATUS_LABELS, ENGAGED_STATUSES, partyLabel, type Party } from '../../coordination/parties.ts';
import { formatDisclosureMoment, type DisclosureDate } from '../../disclosure/disclosure-rules.ts';
import { formatDate } from './layout.tsx';
import type { Translator } from '../../i18n/translator.ts';

/** A refused coordination form: its values and a message per field. */
export interface CoordinationFormState {
  values: Record<string, string>;
  errors: Record<string, string>;
}

const COORDINATION_FIELDS = ['partyName', 'partyEmail', 'partyRole', 'partyMessage', 'threadMessage', 'parties', 'coordination'];

/** Each party's answer to the disclosure date on the table, for the Disclosure date panel. */
export function PartyAnswers(props: { parties: Party[]; date: DisclosureDate | null }) {
  const active = props.parties.filter((p) => !p.revokedAt);
  if (active.length === 0) return null;
  return (
    <div class="party-answers">
      <h3>Invited parties’ answers</h3>
      <ul>
        {active.map((p) => {
          const engaged = ENGAGED_STATUSES.includes(p.status);
          const onThis = p.answer && props.date && p.answer.at.getTime() === props.date.at.getTime();
          const answer = !p.answer
            ? 'no answer yet'
            : p.answer.kind === 'accepted' && onThis
              ? 'accepted this date'
              : p.answer.kind === 'proposed'
                ? `proposes ${formatDisclosureMoment(p.answer.at, p.answer.timeZone ?? 'UTC')}`
                : 'accepted an earlier date; not this one';
          return (
            <li key={p.id}>
              {partyLabel(p)}, {p.name}: {answer}
              {engaged ? '' : ` (${STATUS_LABELS[p.status].toLowerCase()}: not needed for agreement)`}
            </li>
          );
        })}
      </ul>
      <p class="meta">The date is agreed only once every engaged party (engaged or fixed) has accepted it.</p>
    </div>
  );
}

/**
 * The staff report page's "Coordination" group (multi-party coordination):
 * the invited parties with status, fix date and disclosure answer; invite and
 * revoke (leads and admins); write to parties and share a thread message with
 * them (editors); the coordination thread with whom each message is shared.
 */
export function CoordinationGroup(props: { view?: CoordinationView; base: string; csrf: string; open?: boolean; form?: CoordinationFormState }) {
  const view = props.view;
  if (!view) return null;
  const base = `${props.base}/parties`;
  const active = view.parties.filter((p) => !p.revokedAt);
  const byId = new Map(view.parties.map((p) => [p.id, p]));
  // The report page's refused form (shared by its panels) is this group's only when it names one of its fields.
  const mine = Object.keys(props.form?.errors ?? {}).some((f) => COORDINATION_FIELDS.includes(f));
  const e = mine ? props.form!.errors : {};
  const v = mine ? props.form!.values : {};
  const PartyChoice = (p: { prefix: string }) => (
    <fieldset>
      <legend>Share with</legend>
      {e.parties ? <p class="field-error">{e.parties}</p> : null}
      {active.map((party) => (
        <label key={party.id} class="choice">
          <input type="checkbox" name="party" value={party.id} id={`${p.prefix}-${party.id}`} /> {partyLabel(party)}, {party.name}
        </label>
      ))}
    </fieldset>
  );
  return (
    <details class="group" id="group-coordination" open={props.open || mine}>
      <summary>
        <span class="group-title">Coordination</span>
        <span class="group-summary">{active.length ? `${active.length} part${active.length === 1 ? 'y' : 'ies'} invited` : 'no parties invited'}</span>
      </summary>
      <div class="group-body">
        <section aria-labelledby="coordination-h">
          <h2 id="coordination-h">Invited parties</h2>
          {e.coordination ? <p class="field-error">{e.coordination}</p> : null}
          <p class="meta">The reporter {view.reporterNamed ? 'agreed to be named' : 'is not named'} to the parties.</p>
          {view.parties.length === 0 ? <p class="meta">Nobody outside the team takes part yet.</p> : null}
          <ul class="parties">
            {view.parties.map((p) => (
              <li key={p.id}>
                <strong>{partyLabel(p)}</strong>: {p.name} &lt;{p.email}&gt; · {p.revokedAt ? `revoked ${formatDate(p.revokedAt)}` : STATUS_LABELS[p.status]}
                {p.fixDate ? ` · fix expected ${p.fixDate}` : ''}
                {p.answer ? ` · disclosure: ${p.answer.kind === 'accepted' ? 'accepted' : 'proposed'} ${formatDisclosureMoment(p.answer.at, p.answer.timeZone ?? 'UTC')}` : ''}
                {view.canRevoke && !p.revokedAt ? (
                  <form method="post" action={`${base}/${p.id}/revoke`} class="inline">
                    <input type="hidden" name="_csrf" value={props.csrf} />
                    <button type="submit">Revoke access</button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
          {view.canInvite ? (
            <form method="post" action={base}>
              <input type="hidden" name="_csrf" value={props.csrf} />
              <h3>Invite a party</h3>
              <div class={e.partyName ? 'field invalid' : 'field'}>
                <label for="partyName">Organisation or person</label>
                {e.partyName ? <p class="field-error" id="partyName-error">{e.partyName}</p> : null}
                <input id="partyName" name="partyName" maxLength={200} value={v.partyName ?? ''} required />
              </div>
              <div class={e.partyEmail ? 'field invalid' : 'field'}>
                <label for="partyEmail">E-mail</label>
                {e.partyEmail ? <p class="field-error" id="partyEmail-error">{e.partyEmail}</p> : null}
                <input id="partyEmail" name="partyEmail" type="email" maxLength={320} value={v.partyEmail ?? ''} required />
              </div>
              <div class={e.partyRole ? 'field invalid' : 'field'}>
                <label for="partyRole">Role</label>
                {e.partyRole ? <p class="field-error" id="partyRole-error">{e.partyRole}</p> : null}
                <select id="partyRole" name="partyRole">
                  {PARTY_ROLES.map((r) => (
                    <option key={r} value={r} selected={v.partyRole === r}>{ROLE_LABELS[r]}</option>
                  ))}
                </select>
              </div>
              <button type="submit">Invite by e-mail</button>
            </form>
          ) : (
            <p class="meta">Leads and admins invite and revoke parties.</p>
          )}
          {view.canShare && active.length ? (
            <>
              <form method="post" action={`${base}/messages`}>
                <input type="hidden" name="_csrf" value={props.csrf} />
                <h3>Write to parties</h3>
                <div class={e.partyMessage ? 'field invalid' : 'field'}>
                  <label for="partyMessage">Message (only the parties ticked read it; the reporter does not)</label>
                  {e.partyMessage ? <p class="field-error">{e.partyMessage}</p> : null}
                  <textarea id="partyMessage" name="partyMessage" rows={5} maxLength={20000}>{v.partyMessage ?? ''}</textarea>
                </div>
                <PartyChoice prefix="write" />
                <button type="submit">Send to the parties ticked</button>
              </form>
              {view.threadMessages.length ? (
                <form method="post" action={`${base}/share`}>
                  <input type="hidden" name="_csrf" value={props.csrf} />
                  <h3>Share a message of the thread</h3>
                  <div class={e.threadMessage ? 'field invalid' : 'field'}>
                    <label for="threadMessage">Message (internal notes and the reporter’s messages stay private unless shared here)</label>
                    {e.threadMessage ? <p class="field-error">{e.threadMessage}</p> : null}
                    <select id="threadMessage" name="threadMessage">
                      {view.threadMessages.map((m) => (
                        <option key={m.id} value={m.id}>{m.label}</option>
                      ))}
                    </select>
                  </div>
                  <PartyChoice prefix="share" />
                  <button type="submit">Share with the parties ticked</button>
                </form>
              ) : null}
            </>
          ) : null}
          {view.entries.length ? (
            <>
              <h3>Coordination thread</h3>
              <ol class="timeline">
                {view.entries.map((m) => (
                  <li key={m.id} class="message">
                    <p class="meta">
                      <time dateTime={m.at.toISOString()}>{formatDate(m.at)}</time>{' '}
                      {m.author.kind === 'party' ? (byId.get(m.author.partyId) ? `${partyLabel(byId.get(m.author.partyId)!)}, ${byId.get(m.author.partyId)!.name}` : 'A party') : m.author.kind === 'reporter' ? 'The reporter' : (m.author.name ?? 'Staff')}
                      {m.sharedWith.length ? ` · shared with ${m.sharedWith.map((id) => (byId.get(id) ? `party ${byId.get(id)!.number}` : '?')).join(', ')}` : ''}
                    </p>
                    <div class="text">{m.body}</div>
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </section>
      </div>
    </details>
  );
}

/** The tracking page's choice: may the parties invited into the report see the reporter's name (default: no). */
export function ReporterNamingSection(props: { base: string; csrf: string; named: boolean; saved?: boolean; t: Translator }) {
  const { t } = props.t;
  return (
    <section aria-labelledby="naming-h">
      <h2 id="naming-h">{t('naming.heading')}</h2>
      <p>{t('naming.intro')}</p>
      {props.saved ? <p class="notice success" role="status">{t('naming.saved')}</p> : null}
      <form method="post" action={`${props.base}/coordination-naming`}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <fieldset>
          <legend>{t('naming.legend')}</legend>
          <label class="choice"><input type="radio" name="named" value="no" checked={!props.named} /> {t('naming.no')}</label>
          <label class="choice"><input type="radio" name="named" value="yes" checked={props.named} /> {t('naming.yes')}</label>
        </fieldset>
        <button type="submit">{t('naming.save')}</button>
      </form>
    </section>
  );
}
