import type { Program } from '../../programs/programs.ts';
import type { Confirmable } from '../../subscriptions/confirm-subscription.ts';
import type { SubscriberCounts, SubscriberRow } from '../../subscriptions/list-subscribers.ts';
import { CONFIRM_LINK_HOURS } from '../../subscriptions/request-subscription.ts';
import { describeSelection } from '../../subscriptions/subscriber-mails.ts';
import type { SubscriptionFormValues } from '../../subscriptions/subscription-input.ts';
import { ErrorSummary, FieldError, Layout, formatDate, type PageChrome } from './layout.tsx';


const describedBy = (name: string, errors: Record<string, string>, hint = false) =>
  [hint ? `${name}-hint` : '', errors[name] ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;

/** The public subscribe form: works without JavaScript; products as checkboxes, or all. */
export function SubscribePage(props: { chrome: PageChrome; program: Program; csrf: string; values: SubscriptionFormValues; errors: Record<string, string> }) {
  const { program, values, errors } = props;
  const tr = props.chrome.t;
  const { t } = tr;
  const labels = { email: t('subscribe.label.email'), products: t('subscribe.label.products') };
  return (
    <Layout chrome={props.chrome} title={t('subscribe.title')}>
      <h1>{t('subscribe.title')}</h1>
      <p>{t('subscribe.intro', { vendor: program.config.vendor })}</p>
      <ErrorSummary errors={errors} labels={labels} heading={t('form.problem')} />
      <form method="post" action="/subscribe" novalidate>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class={errors.email ? 'field invalid' : 'field'}>
          <label for="email">{labels.email}</label>
          <p class="hint" id="email-hint">{t('subscribe.emailHint')}</p>
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
          <legend>{labels.products}</legend>
          <FieldError id="products" message={errors.products} />
          <div class="field">
            <label class="choice">
              <input type="checkbox" name="allProducts" value="yes" checked={values.allProducts} /> {t('subscribe.all', { vendor: program.config.vendor })}
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
          <button type="submit" class="primary">{t('subscribe.submit')}</button>
        </p>
      </form>
      <p class="meta">{tr.rich('subscribe.feed', { link: (c) => <a href="/advisories/feed.atom">{c}</a> })}</p>
    </Layout>
  );
}

/** The same answer whether or not the address was known: nothing here tells who subscribes. */
export function SubscribeSentPage(props: { chrome: PageChrome }) {
  const { t } = props.chrome.t;
  return (
    <Layout chrome={props.chrome} title={t('subscribe.sent.title')}>
      <h1>{t('subscribe.sent.title')}</h1>
      <p class="notice success" role="status">{t('subscribe.sent.notice', { hours: CONFIRM_LINK_HOURS })}</p>
      <p>{t('subscribe.sent.nothing')}</p>
    </Layout>
  );
}

/** What the confirmation link would do, with the button that does it (a GET never changes anything). */
export function ConfirmSubscriptionPage(props: { chrome: PageChrome; program: Program; token: string; confirmable: Confirmable; csrf: string }) {
  const { t } = props.chrome.t;
  const what = describeSelection(props.program.config, props.confirmable, props.chrome.t);
  return (
    <Layout chrome={props.chrome} title={t('subscribe.confirm.title')}>
      <h1>{t(props.confirmable.change ? 'subscribe.confirm.changeTitle' : 'subscribe.confirm.title')}</h1>
      <p>{t('subscribe.confirm.what', { change: props.confirmable.change ? 'yes' : 'no', vendor: props.program.config.vendor, what })}</p>
      <form method="post" action={`/subscribe/confirm/${props.token}`}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <button type="submit" class="primary">{t('subscribe.confirm.button')}</button>
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
        <a href="/advisories">{props.chrome.t.t('advisories.title')}</a>
      </p>
    </Layout>
  );
}

/** The unsubscribe link's page: one button, posted to the same address (RFC 8058's one-click endpoint). */
export function UnsubscribePage(props: { chrome: PageChrome; vendor: string; token: string }) {
  const { t } = props.chrome.t;
  return (
    <Layout chrome={props.chrome} title={t('subscribe.unsubscribe.title')}>
      <h1>{t('subscribe.unsubscribe.title')}</h1>
      <p>{t('subscribe.unsubscribe.intro', { vendor: props.vendor })}</p>
      <form method="post" action={`/unsubscribe/${props.token}`}>
        <button type="submit" class="primary">{t('subscribe.unsubscribe.button')}</button>
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
