import type { Program } from '../../programs/programs.ts';
import type { Confirmable } from '../../subscriptions/confirm-subscription.ts';
import type { SubscriberCounts, SubscriberRow } from '../../subscriptions/list-subscribers.ts';
import { CONFIRM_LINK_HOURS } from '../../subscriptions/request-subscription.ts';
import { describeSelection } from '../../subscriptions/subscriber-mails.ts';
import type { SubscriptionFormValues } from '../../subscriptions/subscription-input.ts';
import { ErrorSummary, FieldError, Layout, formatDate, type PageChrome } from './layout.tsx';

const LABELS = { email: 'E-mail address', products: 'Products' };

const describedBy = (name: string, errors: Record<string, string>, hint = false) =>
  [hint ? `${name}-hint` : '', errors[name] ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;

/** The public subscribe form: works without JavaScript; products as checkboxes, or all. */
export function SubscribePage(props: { chrome: PageChrome; program: Program; csrf: string; values: SubscriptionFormValues; errors: Record<string, string> }) {
  const { program, values, errors } = props;
  return (
    <Layout chrome={props.chrome} title="Subscribe to security advisories">
      <h1>Subscribe to security advisories</h1>
      <p>
        Get an e-mail when {program.config.vendor} publishes or updates a security advisory about the products you use. We send you a link to
        confirm first; every mail has a link to unsubscribe at once.
      </p>
      <ErrorSummary errors={errors} labels={LABELS} />
      <form method="post" action="/subscribe" novalidate>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class={errors.email ? 'field invalid' : 'field'}>
          <label for="email">{LABELS.email}</label>
          <p class="hint" id="email-hint">We keep it encrypted and use it only for these mails.</p>
          <FieldError id="email" message={errors.email} />
          <input
            id="email"
            name="email"
            type="email"
            value={values.email}
            required
            autoComplete="email"
            aria-invalid={errors.email ? 'true' : undefined}
            aria-describedby={describedBy('email', errors, true)}
          />
        </div>
        <fieldset id="products" class={errors.products ? 'invalid' : undefined} aria-describedby={describedBy('products', errors)}>
          <legend>{LABELS.products}</legend>
          <FieldError id="products" message={errors.products} />
          <div class="field">
            <label class="choice">
              <input type="checkbox" name="allProducts" value="yes" checked={values.allProducts} /> All {program.config.vendor} products, including future ones
            </label>
          </div>
          {program.config.products.map((p) => (
            <div class="field" key={p.id}>
              <label class="choice">
                <input type="checkbox" name="products" value={p.id} checked={values.products.includes(p.id)} /> {p.name}
              </label>
            </div>
          ))}
        </fieldset>
        <p>
          <button type="submit" class="primary">Subscribe</button>
        </p>
      </form>
      <p class="meta">
        Prefer a feed? Follow the <a href="/advisories/feed.atom">Atom feed</a> of all advisories.
      </p>
    </Layout>
  );
}

/** The same answer whether or not the address was known: nothing here tells who subscribes. */
export function SubscribeSentPage(props: { chrome: PageChrome }) {
  return (
    <Layout chrome={props.chrome} title="Check your mail">
      <h1>Check your mail</h1>
      <p class="notice success" role="status">
        If the address can receive mail, a message is on its way to it. Open the link in it within {CONFIRM_LINK_HOURS} hours to confirm your
        subscription. If you were already subscribed, the message says what you follow and how to change it.
      </p>
      <p>Nothing arrived after a few minutes? Look in your spam folder, or subscribe again.</p>
    </Layout>
  );
}

/** What the confirmation link would do, with the button that does it (a GET never changes anything). */
export function ConfirmSubscriptionPage(props: { chrome: PageChrome; program: Program; token: string; confirmable: Confirmable; csrf: string }) {
  const what = describeSelection(props.program.config, props.confirmable);
  return (
    <Layout chrome={props.chrome} title="Confirm your subscription">
      <h1>{props.confirmable.change ? 'Confirm the change to your subscription' : 'Confirm your subscription'}</h1>
      <p>
        {props.confirmable.change ? 'From now on you will hear' : 'You will hear'} about {props.program.config.vendor} security advisories for: {what}.
      </p>
      <form method="post" action={`/subscribe/confirm/${props.token}`}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <button type="submit" class="primary">Confirm</button>
      </form>
    </Layout>
  );
}

export function SubscriptionMessagePage(props: { chrome: PageChrome; title: string; message: string; kind?: 'success' | 'error' }) {
  return (
    <Layout chrome={props.chrome} title={props.title}>
      <h1>{props.title}</h1>
      <p class={props.kind ? `notice ${props.kind}` : undefined} role={props.kind === 'error' ? 'alert' : 'status'}>{props.message}</p>
      <p>
        <a href="/advisories">Security advisories</a>
      </p>
    </Layout>
  );
}

/** The unsubscribe link's page: one button, posted to the same address (RFC 8058's one-click endpoint). */
export function UnsubscribePage(props: { chrome: PageChrome; vendor: string; token: string }) {
  return (
    <Layout chrome={props.chrome} title="Unsubscribe">
      <h1>Unsubscribe</h1>
      <p>Stop all {props.vendor} security advisory mails to this address, and delete the address from our list.</p>
      <form method="post" action={`/unsubscribe/${props.token}`}>
        <button type="submit" class="primary">Unsubscribe</button>
      </form>
    </Layout>
  );
}

export interface ProgramSubscribers {
  program: Program;
  counts: SubscriberCounts;
  rows: SubscriberRow[];
  canRemove: boolean;
}

/** The team's view: how many customers hear about each product, and who they are. */
export function StaffSubscribersPage(props: { chrome: PageChrome; programs: ProgramSubscribers[]; csrf: string; flash?: { kind: 'success' | 'error'; message: string }; limit: number }) {
  return (
    <Layout chrome={props.chrome} title="Subscribers" wide>
      <h1>Subscribers</h1>
      {props.flash ? <p class={`notice ${props.flash.kind}`} role={props.flash.kind === 'error' ? 'alert' : 'status'}>{props.flash.message}</p> : null}
      <p class="meta">Customers who confirmed a subscription on /subscribe. They get a mail when an advisory on a product they follow is published or revised.</p>
      {props.programs.map(({ program, counts, rows, canRemove }) => (
        <section key={program.id} aria-labelledby={`subs-${program.id}`}>
          {props.programs.length > 1 ? <h2 id={`subs-${program.id}`}>{program.config.name}</h2> : <h2 id={`subs-${program.id}`}>Per product</h2>}
          <table class="inbox subscriber-counts">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Subscribers told</th>
              </tr>
            </thead>
            <tbody>
              {program.config.products.map((p) => (
                <tr key={p.id}>
                  <td>{p.name}</td>
                  <td>{counts.perProduct[p.id] ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="meta">
            {counts.confirmed} confirmed ({counts.allProducts} following all products), {counts.pending} waiting for confirmation.
          </p>
          {rows.length === 0 ? <p class="empty">No confirmed subscribers yet.</p> : (
            <table class="inbox subscribers">
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Follows</th>
                  <th scope="col">Confirmed</th>
                  {canRemove ? <th scope="col"><span class="visually-hidden">Remove</span></th> : null}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>{r.email}</td>
                    <td>{describeSelection(program.config, r)}</td>
                    <td>{formatDate(r.confirmedAt)}</td>
                    {canRemove ? (
                      <td>
                        <form method="post" action={`/staff/subscribers/${r.id}/remove`} class="inline">
                          <input type="hidden" name="_csrf" value={props.csrf} />
                          <button type="submit" class="link" aria-label={`Remove ${r.email}`}>Remove</button>
                        </form>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {counts.confirmed > rows.length ? <p class="meta">Showing the {props.limit} most recent of {counts.confirmed}.</p> : null}
        </section>
      ))}
    </Layout>
  );
}
