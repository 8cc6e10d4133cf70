import type { WebhookView } from '../../webhooks/manage-webhooks.ts';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../webhooks/webhook-events.ts';
import { Layout, formatDate, type PageChrome } from './layout.tsx';

export interface WebhookForm {
  values: { programId: string; url: string; events: string[]; includeContents: boolean };
  errors: Record<string, string>;
}

const STATE_LABELS = { pending: 'Waiting or retrying', delivered: 'Delivered', failed: 'Gave up' } as const;

/** /staff/webhooks: a program's outgoing webhooks, for its admins: add, remove, and every delivery attempt. */
export function WebhooksPage(props: {
  chrome: PageChrome;
  csrf: string;
  programs: { id: string; name: string }[];
  webhooks: WebhookView[];
  form?: WebhookForm;
  /** The new webhook's signing secret: shown this once. */
  created?: { id: string; secret: string };
  flash?: string;
}) {
  const form = props.form ?? { values: { programId: props.programs[0]?.id ?? '', url: '', events: [], includeContents: false }, errors: {} };
  const programName = (id: string) => props.programs.find((p) => p.id === id)?.name ?? id;
  return (
    <Layout chrome={props.chrome} title="Webhooks" wide>
      <h1>Webhooks</h1>
      <p class="meta">
        Embargo POSTs the events you choose to your URL, signed as the Standard Webhooks specification says (headers webhook-id,
        webhook-timestamp, webhook-signature). A delivery that does not get a 2xx answer is retried with growing delays for a day. Deliveries
        carry the program, the report's reference, state and link, never its contents, unless you tick "include report contents".
      </p>
      {props.flash ? <p class="notice success" role="status">{props.flash}</p> : null}
      {props.created ? (
        <div class="notice success" role="status" id="webhook-secret">
          <p>Webhook added. Its signing secret, shown only now: copy it to the receiver.</p>
          <p><code>{props.created.secret}</code></p>
        </div>
      ) : null}
      {props.webhooks.length === 0 ? <p class="empty">No webhook yet.</p> : null}
      {props.webhooks.map((w) => (
        <section key={w.id} class="webhook" id={`webhook-${w.id}`} aria-labelledby={`webhook-${w.id}-h`}>
          <h2 id={`webhook-${w.id}-h`}><code>{w.url}</code></h2>
          <p class="meta">
            {programName(w.programId)} · {w.events.map((e) => WEBHOOK_EVENTS[e]).join('; ')} · {w.includeContents ? 'includes report contents' : 'no report contents'} · added{' '}
            <time dateTime={w.createdAt.toISOString()}>{formatDate(w.createdAt)}</time>
          </p>
          <form method="post" action={`/staff/webhooks/${w.id}/delete`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <button type="submit" class="secondary">Remove this webhook</button>
          </form>
          {w.deliveries.length === 0 ? (
            <p class="empty">Nothing sent yet.</p>
          ) : (
            <table class="inbox webhook-attempts">
              <caption>Latest deliveries and their attempts</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Report</th>
                  <th scope="col">Delivery</th>
                  <th scope="col">Attempt at</th>
                  <th scope="col">Status</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {w.deliveries.flatMap((d) =>
                  (d.attempts.length ? d.attempts : [undefined]).map((a, i) => (
                    <tr key={`${d.id}-${i}`} class="webhook-attempt">
                      <td>{i === 0 ? d.event : ''}</td>
                      <td class="ref">{i === 0 && d.reference ? <a href={`/staff/reports/${d.reference}`}>{d.reference}</a> : ''}</td>
                      <td>{i === 0 ? STATE_LABELS[d.state] : ''}</td>
                      <td>{a ? <time dateTime={a.at.toISOString()}>{a.at.toISOString()}</time> : 'not tried yet'}</td>
                      <td class="status-code">{a?.statusCode ?? (a ? '—' : '')}</td>
                      <td>{a ? `${a.durationMs} ms` : ''}</td>
                      <td><code>{a?.error ?? ''}</code></td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          )}
        </section>
      ))}
      <h2 id="add-webhook">Add a webhook</h2>
      {Object.keys(form.errors).length ? <p class="notice error" role="alert">Some fields need your attention.</p> : null}
      <form method="post" action="/staff/webhooks">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label>
          Program
          <select name="programId">
            {props.programs.map((p) => (
              <option key={p.id} value={p.id} selected={p.id === form.values.programId}>{p.name}</option>
            ))}
          </select>
        </label>
        <label>
          URL
          <input type="url" name="url" value={form.values.url} required maxLength={2000} placeholder="https://hooks.example.com/embargo" aria-invalid={form.errors.url ? 'true' : undefined} />
        </label>
        {form.errors.url ? <p class="field-error">{form.errors.url}</p> : null}
        <fieldset>
          <legend>Events</legend>
          {(Object.keys(WEBHOOK_EVENTS) as WebhookEvent[]).map((e) => (
            <label key={e}>
              <input type="checkbox" name="events" value={e} checked={form.values.events.includes(e)} /> {WEBHOOK_EVENTS[e]} <code>{e}</code>
            </label>
          ))}
          {form.errors.events ? <p class="field-error">{form.errors.events}</p> : null}
        </fieldset>
        <label>
          <input type="checkbox" name="includeContents" value="yes" checked={form.values.includeContents} /> Include report contents (the title, the
          reporter's messages). Off by default: the receiver then holds embargoed details.
        </label>
        <button type="submit">Add webhook</button>
      </form>
    </Layout>
  );
}
