import { OPEN_STATES } from '../../domain/lifecycle.ts';
import type { ReportState } from '../../domain/lifecycle.ts';
import {
  DEFAULT_DISCLOSURE_TIME,
  MAX_MESSAGE,
  describeStatus,
  describeTimeLeft,
  earlyPublicationProblem,
  formatDisclosureMoment,
  momentFields,
  type DisclosureDate,
} from '../../disclosure/disclosure-rules.ts';
import { FieldError, formatDate } from './layout.tsx';
import type { Translator } from '../../i18n/translator.ts';

/** What a refused disclosure form brings back: the typed values and a message per field. */
export interface DisclosureFormState {
  values: Record<string, string>;
  errors: Record<string, string>;
}

function Field(props: { id: string; label: string; error?: string; hint?: string; children: unknown }) {
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.hint ? <p class="hint">{props.hint}</p> : null}
      <FieldError id={props.id} message={props.error} />
      {props.children}
    </div>
  );
}

/** Date, time and zone inputs, filled from what was typed, the current date, or 09:00 in the program's zone. */
function MomentFields(props: { prefix: string; current: DisclosureDate | null; defaultTimeZone: string; form?: DisclosureFormState; t?: Translator }) {
  const say = (key: 'disclosure.date' | 'disclosure.time' | 'disclosure.timeZone' | 'disclosure.timeZoneHint', english: string) => props.t?.t(key) ?? english;
  const shown = props.current ? momentFields(props.current.at, props.current.timeZone) : { date: '', time: DEFAULT_DISCLOSURE_TIME, timeZone: props.defaultTimeZone };
  const v = props.form?.values ?? {};
  const e = props.form?.errors ?? {};
  return (
    <>
      <Field id={`${props.prefix}disclosureDate`} label={say('disclosure.date', 'Date')} error={e.disclosureDate}>
        <input id={`${props.prefix}disclosureDate`} name="disclosureDate" type="date" value={v.disclosureDate ?? shown.date} required />
      </Field>
      <Field id={`${props.prefix}disclosureTime`} label={say('disclosure.time', 'Time')} error={e.disclosureTime}>
        <input id={`${props.prefix}disclosureTime`} name="disclosureTime" type="time" value={v.disclosureTime ?? shown.time} required />
      </Field>
      <Field id={`${props.prefix}disclosureTimeZone`} label={say('disclosure.timeZone', 'Time zone')} error={e.disclosureTimeZone} hint={say('disclosure.timeZoneHint', 'An IANA name, e.g. Europe/Amsterdam.')}>
        <input id={`${props.prefix}disclosureTimeZone`} name="disclosureTimeZone" value={v.disclosureTimeZone ?? shown.timeZone} maxLength={64} required />
      </Field>
    </>
  );
}

function Moment(props: { date: DisclosureDate; now: Date; audience: 'staff' | 'reporter'; t?: Translator; programTimeZone?: string }) {
  const { date, t: tr } = props;
  if (tr) {
    // The reporter's language: the moment in the zone it was given in, how far away, and whose answer it waits for.
    const status = date.status === 'agreed' ? 'disclosure.status.agreed' : date.status === 'proposed-by-team' ? 'disclosure.status.byTeam' : 'disclosure.status.byYou';
    return (
      <>
        <p>
          <strong class="disclosure-moment">{tr.dateTime(date.at, date.timeZone)}</strong>
          <br />
          <span class="meta">{tr.relative(date.at, props.now)}</span>
        </p>
        <p class={`disclosure-status disclosure-${date.status}`}>{tr.t(status)}</p>
      </>
    );
  }
  return (
    <>
      <p>
        <strong class="disclosure-moment">{formatDisclosureMoment(date.at, date.timeZone)}</strong>
        {props.programTimeZone && props.programTimeZone !== date.timeZone ? (
          // A reporter proposes in their own zone; the team plans in the program's.
          <>
            <br />
            <span class="disclosure-local">= <strong>{formatDisclosureMoment(date.at, props.programTimeZone)}</strong> in the program’s time zone</span>
          </>
        ) : null}
        <br />
        <span class="meta">{formatDate(date.at)} · {describeTimeLeft(date.at, props.now)}</span>
      </p>
      <p class={`disclosure-status disclosure-${date.status}`}>{describeStatus(date.status, props.audience)}</p>
    </>
  );
}

const isOpen = (state: ReportState) => OPEN_STATES.includes(state);

/**
 * The staff report page's "Disclosure date" panel: the date, whose answer it
 * waits for and the time left; for editors, agreeing to the reporter's
 * proposal and proposing or changing the date.
 */
export function StaffDisclosurePanel(props: {
  state: ReportState;
  date: DisclosureDate | null;
  defaultTimeZone: string;
  now: Date;
  base: string;
  csrf: string;
  canEdit: boolean;
  form?: DisclosureFormState;
}) {
  const { date } = props;
  const editable = props.canEdit && isOpen(props.state);
  const e = props.form?.errors ?? {};
  return (
    <section aria-labelledby="disclosure-h" class="disclosure-panel">
      <h2 id="disclosure-h">Disclosure date</h2>
      {date ? <Moment date={date} now={props.now} audience="staff" programTimeZone={props.defaultTimeZone} /> : <p class="meta">No disclosure date proposed yet.</p>}
      {editable && date?.status === 'proposed-by-reporter' ? (
        <form method="post" action={`${props.base}/disclosure-date/agree`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="seen" value={date.at.toISOString()} />
          <button type="submit" class="primary">Agree to this date</button>
        </form>
      ) : null}
      {editable ? (
        <details open={Object.keys(e).length > 0 || !date}>
          <summary>{date ? 'Propose another date' : 'Propose a date'}</summary>
          <form method="post" action={`${props.base}/disclosure-date`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <MomentFields prefix="staff-" current={date} defaultTimeZone={props.defaultTimeZone} form={props.form} />
            <Field id="staff-disclosureMessage" label="Message to the reporter (optional; required to move an agreed date later)" error={e.disclosureMessage}>
              <textarea id="staff-disclosureMessage" name="disclosureMessage" rows={3} maxLength={MAX_MESSAGE}>{props.form?.values.disclosureMessage ?? ''}</textarea>
            </Field>
            <button type="submit">Propose to the reporter</button>
          </form>
        </details>
      ) : null}
    </section>
  );
}

/**
 * The tracking page's "Disclosure date" section: the reporter agrees with one
 * click, or proposes another date with a reason. Works without JavaScript.
 */
export function TrackDisclosureSection(props: {
  state: ReportState;
  date: DisclosureDate | null;
  defaultTimeZone: string;
  now: Date;
  base: string;
  csrf: string;
  form?: DisclosureFormState;
  /** After a redirect: what the reporter just did. */
  done?: string;
  t: Translator;
}) {
  const { date } = props;
  const { t } = props.t;
  const open = isOpen(props.state);
  if (!date && !open) return null;
  const e = props.form?.errors ?? {};
  const done = props.done === 'agreed' ? t('disclosure.done.agreed') : props.done === 'proposed' ? t('disclosure.done.proposed') : undefined;
  return (
    <section aria-labelledby="disclosure-h">
      <h2 id="disclosure-h">{t('disclosure.heading')}</h2>
      {done ? <p class="notice success" role="status">{done}</p> : null}
      {e.disclosure ? <p class="notice error" role="alert">{e.disclosure}</p> : null}
      {date ? (
        // English keeps its long form ("Thursday 11 March 2027, 09:00 (Europe/Amsterdam)"), shared with the staff page.
        <Moment date={date} now={props.now} audience="reporter" {...(props.t.language === 'en' ? {} : { t: props.t })} />
      ) : (
        <p>{t('disclosure.none')}</p>
      )}
      {open && date?.status === 'proposed-by-team' ? (
        <form method="post" action={`${props.base}/disclosure-date/agree`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="seen" value={date.at.toISOString()} />
          <button type="submit" class="primary">{t('disclosure.agree')}</button>
        </form>
      ) : null}
      {open ? (
        <details open={Object.keys(e).length > 0 && !e.disclosure}>
          <summary>{t('disclosure.propose', { another: date ? 'yes' : 'no' })}</summary>
          <form method="post" action={`${props.base}/disclosure-date`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <MomentFields prefix="" current={date} defaultTimeZone={props.defaultTimeZone} form={props.form} t={props.t} />
            <Field id="disclosureMessage" label={t('disclosure.why')} error={e.disclosureMessage}>
              <textarea id="disclosureMessage" name="disclosureMessage" rows={3} maxLength={MAX_MESSAGE} required>{props.form?.values.disclosureMessage ?? ''}</textarea>
            </Field>
            <button type="submit">{t('disclosure.submit')}</button>
          </form>
        </details>
      ) : null}
    </section>
  );
}

/**
 * The advisory editor's view of the report's disclosure date, and the
 * explicit "publish before the agreed date" decision when it is needed.
 */
export function AdvisoryDisclosureField(props: { date: DisclosureDate | null; now: Date; published: boolean; errors: Record<string, string>; values: Record<string, string> }) {
  const { date } = props;
  // The checkbox shows exactly when publishing without it would be refused.
  const early = !props.published && earlyPublicationProblem(date, props.now, false) !== undefined;
  return (
    <div class={props.errors.publishEarly ? 'field invalid disclosure-guard' : 'field disclosure-guard'}>
      <p>
        Disclosure date:{' '}
        {date ? <><strong>{formatDisclosureMoment(date.at, date.timeZone)}</strong> ({describeStatus(date.status, 'staff').toLowerCase()}, {describeTimeLeft(date.at, props.now)})</> : <strong>none agreed</strong>}
      </p>
      <FieldError id="adv-publishEarly" message={props.errors.publishEarly} />
      {early ? (
        <label><input type="checkbox" id="adv-publishEarly" name="publishEarly" value="yes" checked={props.values.publishEarly === 'yes'} /> Publish before the agreed date</label>
      ) : null}
    </div>
  );
}
