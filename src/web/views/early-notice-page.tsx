import { TLP_AMBER_TEXT, type EarlyNoticeContent } from '../../early-notices/early-notice-content.ts';
import { Layout, type PageChrome } from './layout.tsx';

export interface EarlyNoticeListItem {
  id: string;
  state: 'awaiting-approval' | 'declined' | 'sent';
  createdAt: Date;
  sentAt: Date | null;
  recipients: number | null;
  content: EarlyNoticeContent;
}

const iso = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function FieldError(props: { id: string; message: string | undefined }) {
  return props.message ? <p id={props.id} class="field-error">{props.message}</p> : null;
}

/**
 * The compose form of an early customer notice (leads and admins): on the
 * early-notice page, and on the CRA screen (Art. 14(8)) with its own action.
 */
export function EarlyNoticeForm(props: {
  action: string;
  products: readonly { id: string; name: string; subscribers: number }[];
  allProductSubscribers: number;
  twoPersonRule: boolean;
  values: EarlyNoticeContent & { confirm?: string };
  errors: Record<string, string>;
  csrf: string;
}) {
  const e = props.errors;
  const described = (field: string) => (e[field] ? `en-${field}-err` : undefined);
  return (
    <form method="post" action={props.action} class="early-notice-form">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <fieldset aria-describedby={described('products')}>
        <legend>Affected products</legend>
        {props.products.map((p) => (
          <label key={p.id} class="choice">
            <input type="checkbox" name="products" value={p.id} checked={props.values.products.includes(p.id)} /> {p.name} ({p.subscribers} confirmed subscriber{p.subscribers === 1 ? '' : 's'})
          </label>
        ))}
        <p class="hint">Plus {props.allProductSubscribers} who follow all products.</p>
        <FieldError id="en-products-err" message={e.products} />
      </fieldset>
      <label for="en-title">Title (no exploit details)</label>
      <input id="en-title" name="title" required maxLength={200} value={props.values.title} aria-describedby={described('title')} />
      <FieldError id="en-title-err" message={e.title} />
      <label for="en-severity">Severity</label>
      <input id="en-severity" name="severity" maxLength={100} value={props.values.severity} aria-describedby={described('severity')} />
      <FieldError id="en-severity-err" message={e.severity} />
      <label for="en-summary">Summary (what is affected and the risk, without exploit details)</label>
      <textarea id="en-summary" name="summary" required rows={6} maxLength={5000} aria-describedby={described('summary')}>{props.values.summary}</textarea>
      <FieldError id="en-summary-err" message={e.summary} />
      <label for="en-mitigation">What customers can do now (mitigation, workaround)</label>
      <textarea id="en-mitigation" name="mitigation" required rows={6} maxLength={5000} aria-describedby={described('mitigation')}>{props.values.mitigation}</textarea>
      <FieldError id="en-mitigation-err" message={e.mitigation} />
      <label for="en-date">Expected fix date</label>
      <input id="en-date" type="date" name="expectedFixDate" value={props.values.expectedFixDate} aria-describedby={described('expectedFixDate')} />
      <FieldError id="en-expectedFixDate-err" message={e.expectedFixDate} />
      <p class="tlp">
        <strong>TLP:AMBER</strong> — {TLP_AMBER_TEXT}
      </p>
      <label class="choice">
        <input type="checkbox" name="confirm" value="yes" checked={props.values.confirm === 'yes'} aria-describedby={described('confirm')} /> I understand this sends
        embargoed information to customers outside the team, and cannot be taken back.
      </label>
      <FieldError id="en-confirm-err" message={e.confirm} />
      {props.twoPersonRule ? <p class="hint">This program has the two-person rule: the notice waits for another lead or admin to approve it (Approvals page).</p> : null}
      <button type="submit">{props.twoPersonRule ? 'Ask for approval to send' : 'Send the early notice'}</button>
    </form>
  );
}

/**
 * A report's early customer notices: the compose form (leads and admins;
 * pre-filled from the report, without exploit details) and the notices sent
 * or waiting for a second person. Works without JavaScript.
 */
export function EarlyNoticePage(props: {
  chrome: PageChrome;
  reference: string;
  title: string;
  products: readonly { id: string; name: string; subscribers: number }[];
  /** Confirmed subscribers who follow every product (they hear about any notice). */
  allProductSubscribers: number;
  recommendation: string | undefined;
  canSend: boolean;
  twoPersonRule: boolean;
  /** Why a notice cannot be sent any more (published advisory, closed without fix). */
  closedReason: string | undefined;
  values: EarlyNoticeContent & { confirm?: string };
  errors: Record<string, string>;
  notices: EarlyNoticeListItem[];
  csrf: string;
  flash?: { kind: 'error' | 'success'; message: string } | undefined;
}) {
  const base = `/staff/reports/${props.reference}`;
  return (
    <Layout chrome={props.chrome} title={`Early customer notice: ${props.reference}`}>
      <p>
        <a href={base}>← {props.reference} {props.title}</a>
      </p>
      <h1>Early customer notice (TLP:AMBER)</h1>
      {props.flash ? (
        <p class={`notice ${props.flash.kind}`} role={props.flash.kind === 'error' ? 'alert' : 'status'}>{props.flash.message}</p>
      ) : null}
      {props.recommendation ? <p class="notice early-notice" role="status">{props.recommendation}</p> : null}
      <p class="meta">
        Before the advisory is public, tell the confirmed subscribers of the affected products what they can do now. The mail is marked TLP:AMBER, signed with
        the program key, and sent only to subscribers who follow one of the products chosen (or all products). The timeline records who sent it, when, and to
        how many subscribers; never who they are.
      </p>
      {props.canSend && !props.closedReason ? (
        <EarlyNoticeForm
          action={`${base}/early-notice`}
          products={props.products}
          allProductSubscribers={props.allProductSubscribers}
          twoPersonRule={props.twoPersonRule}
          values={props.values}
          errors={props.errors}
          csrf={props.csrf}
        />
      ) : props.closedReason ? (
        <p class="meta">{props.closedReason}</p>
      ) : (
        <p class="meta">Only a lead or admin of the program sends an early customer notice.</p>
      )}
      <h2>Notices of this report</h2>
      {props.notices.length === 0 ? <p class="empty">None yet.</p> : null}
      {props.notices.map((n) => (
        <article key={n.id} class="early-notice-item">
          <h3>{n.content.title}</h3>
          <p class="meta">
            {n.state === 'sent' && n.sentAt
              ? `Sent ${iso(n.sentAt)} to ${n.recipients ?? 0} subscriber${n.recipients === 1 ? '' : 's'}`
              : n.state === 'declined'
                ? `Declined under the two-person rule; not sent (asked ${iso(n.createdAt)})`
                : `Waiting for a second person since ${iso(n.createdAt)}`}{' '}
            ·
            products: {n.content.products.join(', ')} · TLP:AMBER
          </p>
          {n.content.severity ? <p>Severity: {n.content.severity}</p> : null}
          <p class="pre">{n.content.summary}</p>
          <p class="pre">{n.content.mitigation}</p>
          <p>Expected fix: {n.content.expectedFixDate || 'not yet known'}</p>
          <p>
            <a href={`${base}/early-notice/${n.id}.csaf.json`}>CSAF 2.0 document (TLP:AMBER, interim)</a>
          </p>
        </article>
      ))}
    </Layout>
  );
}
