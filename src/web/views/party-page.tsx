import { formatDisclosureMoment, momentFields, type DisclosureDate } from '../../disclosure/disclosure-rules.ts';
import type { CoordinationEntry } from '../../coordination/coordination-messages.ts';
import { PARTY_STATUSES, ROLE_LABELS, STATUS_LABELS, type Party } from '../../coordination/parties.ts';
import { ErrorSummary, FieldError, Layout, formatDate, type PageChrome } from './layout.tsx';

/** A refused form of the party page: which form, what was typed, a message per field. */
export interface PartyFormState {
  form: 'message' | 'status' | 'disclosure';
  values: Record<string, string>;
  errors: Record<string, string>;
}

const LABELS: Record<string, string> = {
  body: 'Message',
  status: 'Status',
  fixDate: 'Expected fix date',
  disclosureDate: 'Date',
  disclosureTime: 'Time',
  disclosureTimeZone: 'Time zone',
  disclosureMessage: 'Why another date',
  disclosure: 'Disclosure date',
};

/**
 * An invited party's private page (its link is its capability): the report's
 * reference and title, who else takes part, the messages shared with it and
 * its own, its status, fix date and answer to the disclosure date. Plain
 * forms, no script; every value is text Preact escapes.
 */
export function PartyPage(props: {
  chrome: PageChrome;
  base: string;
  csrf: string;
  party: Party;
  report: { reference: string; title: string; product: string };
  /** The reporter's name when they agreed to be named; undefined otherwise. */
  reporterName?: string;
  others: Party[];
  entries: CoordinationEntry[];
  disclosure: DisclosureDate | null;
  defaultTimeZone: string;
  form?: PartyFormState;
  done?: string;
}) {
  const { party, form } = props;
  const v = (name: string, fallback = '') => (form ? (form.values[name] ?? fallback) : fallback);
  const e = (f: PartyFormState['form']) => (form?.form === f ? form.errors : {});
  const names = new Map([[party.id, 'You'], ...props.others.map((p) => [p.id, p.name] as const)]);
  const author = (x: CoordinationEntry['author']) =>
    x.kind === 'party' ? (names.get(x.partyId) ?? 'Another party') : x.kind === 'reporter' ? (props.reporterName ? `The reporter (${props.reporterName})` : 'The reporter') : 'The security team';
  const shown = props.disclosure ? momentFields(props.disclosure.at, props.disclosure.timeZone) : { date: '', time: '09:00', timeZone: props.defaultTimeZone };
  const answered = party.answer && props.disclosure && party.answer.at.getTime() === props.disclosure.at.getTime() ? party.answer.kind : party.answer?.kind === 'proposed' ? 'proposed' : undefined;
  return (
    <Layout chrome={props.chrome} title={`Coordination: ${props.report.reference}`}>
      <h1>
        {props.report.reference}: {props.report.title}
      </h1>
      <p class="meta">
        You take part as {party.name} ({ROLE_LABELS[party.role].toLowerCase()}). Product: {props.report.product}. This page is private to you: keep its link to yourself.
      </p>
      {props.done ? (
        <p class="notice success" role="status">
          {props.done === 'message' ? 'Your message was sent to the security team.' : props.done === 'status' ? 'Your status was saved.' : 'Your answer to the disclosure date was saved.'}
        </p>
      ) : null}
      {form ? <ErrorSummary errors={form.errors} labels={LABELS} /> : null}

      <section aria-labelledby="people-h">
        <h2 id="people-h">Who takes part</h2>
        <p>{props.reporterName ? <>Reported by {props.reporterName}.</> : <>The reporter chose not to be named.</>}</p>
        <table>
          <thead>
            <tr><th scope="col">Party</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Expected fix</th></tr>
          </thead>
          <tbody>
            {[party, ...props.others].map((p) => (
              <tr key={p.id}>
                <td>{p.id === party.id ? `${p.name} (you)` : p.name}</td>
                <td>{ROLE_LABELS[p.role]}</td>
                <td>{STATUS_LABELS[p.status]}</td>
                <td>{p.fixDate ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="status-h">
        <h2 id="status-h">Your status</h2>
        <form method="post" action={`${props.base}/status`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <div class={e('status').status ? 'field invalid' : 'field'}>
            <label for="status">Status</label>
            <FieldError id="status" message={e('status').status} />
            <select id="status" name="status">
              {PARTY_STATUSES.map((s) => (
                <option key={s} value={s} selected={v('status', party.status) === s}>{STATUS_LABELS[s]}</option>
              ))}
            </select>
          </div>
          <div class={e('status').fixDate ? 'field invalid' : 'field'}>
            <label for="fixDate">Expected fix date (optional)</label>
            <FieldError id="fixDate" message={e('status').fixDate} />
            <input id="fixDate" name="fixDate" type="date" value={v('fixDate', party.fixDate ?? '')} />
          </div>
          <button type="submit">Save status</button>
        </form>
      </section>

      <section aria-labelledby="disclosure-h">
        <h2 id="disclosure-h">Disclosure date</h2>
        {props.disclosure ? (
          <p>
            Proposed: <strong class="disclosure-moment">{formatDisclosureMoment(props.disclosure.at, props.disclosure.timeZone)}</strong>
            {props.disclosure.status === 'agreed' ? ' (agreed)' : ''}
          </p>
        ) : (
          <p class="meta">No disclosure date has been proposed yet. You may propose one.</p>
        )}
        <p class="party-answer">
          {answered === 'accepted' ? 'You accepted this date.' : answered === 'proposed' && party.answer ? `You proposed another date: ${formatDisclosureMoment(party.answer.at, party.answer.timeZone ?? 'UTC')}.` : 'You have not answered yet.'}
        </p>
        {e('disclosure').disclosure ? <p class="notice error" role="alert">{e('disclosure').disclosure}</p> : null}
        {props.disclosure && answered !== 'accepted' ? (
          <form method="post" action={`${props.base}/disclosure`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <input type="hidden" name="action" value="accept" />
            <input type="hidden" name="seen" value={props.disclosure.at.toISOString()} />
            <button type="submit">Accept this date</button>
          </form>
        ) : null}
        <form method="post" action={`${props.base}/disclosure`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="action" value="propose" />
          <fieldset>
            <legend>Propose another date</legend>
            {(['disclosureDate', 'disclosureTime', 'disclosureTimeZone'] as const).map((f) => (
              <div key={f} class={e('disclosure')[f] ? 'field invalid' : 'field'}>
                <label for={f}>{LABELS[f]}</label>
                <FieldError id={f} message={e('disclosure')[f]} />
                <input
                  id={f}
                  name={f}
                  type={(f === 'disclosureDate' ? 'date' : f === 'disclosureTime' ? 'time' : 'text') as 'text'}
                  maxLength={64}
                  value={v(f, f === 'disclosureDate' ? shown.date : f === 'disclosureTime' ? shown.time : shown.timeZone)}
                />
              </div>
            ))}
            <div class={e('disclosure').disclosureMessage ? 'field invalid' : 'field'}>
              <label for="disclosureMessage">Why another date</label>
              <FieldError id="disclosureMessage" message={e('disclosure').disclosureMessage} />
              <textarea id="disclosureMessage" name="disclosureMessage" rows={3} maxLength={4000}>{v('disclosureMessage')}</textarea>
            </div>
            <button type="submit">Propose this date</button>
          </fieldset>
        </form>
      </section>

      <section aria-labelledby="messages-h">
        <h2 id="messages-h">Messages</h2>
        {props.entries.length === 0 ? <p class="meta">Nothing has been shared with you yet.</p> : null}
        <ol class="timeline">
          {props.entries.map((m) => (
            <li key={m.id} class="message">
              <p class="meta">
                <time dateTime={m.at.toISOString()}>{formatDate(m.at)}</time> {author(m.author)}
              </p>
              <div class="text">{m.body}</div>
            </li>
          ))}
        </ol>
        <form method="post" action={`${props.base}/messages`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <div class={e('message').body ? 'field invalid' : 'field'}>
            <label for="body">Write to the security team</label>
            <FieldError id="body" message={e('message').body} />
            <textarea id="body" name="body" rows={6} maxLength={20000} required>{v('body')}</textarea>
          </div>
          <button type="submit">Send</button>
        </form>
      </section>
    </Layout>
  );
}
