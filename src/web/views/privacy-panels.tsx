/**
 * The reporter's rights over their personal data: on the tracking page for
 * the reporter, on the report page for the program's admins. Erasure keeps
 * the vulnerability record (src/privacy/erase-reporter-data.ts says what goes).
 */

import type { Translator } from '../../i18n/translator.ts';

export function TrackPrivacySection(props: { base: string; csrf: string; erasedAt: Date | null; confirm: boolean; erased: boolean; t: Translator }) {
  const tr = props.t;
  const { t } = tr;
  return (
    <section aria-labelledby="privacy-h">
      <h2 id="privacy-h">{t('privacy.heading')}</h2>
      {props.erased ? <p class="notice success" role="status">{t('privacy.erased')}</p> : null}
      <p>{tr.rich('privacy.download', { link: (c) => <a href={`${props.base}/my-data.json`} download>{c}</a> })}</p>
      {props.erasedAt ? (
        <p class="meta">{t('privacy.erasedOn', { date: tr.date(props.erasedAt) })}</p>
      ) : (
        <details open={props.confirm}>
          <summary>{t('privacy.erase')}</summary>
          <p>{t('privacy.what')}</p>
          <form method="post" action={`${props.base}/erase`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            {props.confirm ? <p class="field-error" role="alert">{t('privacy.tick')}</p> : null}
            <label>
              <input type="checkbox" name="confirm" value="yes" /> {t('privacy.understand')}
            </label>{' '}
            <button type="submit" class="danger">{t('privacy.button')}</button>
          </form>
        </details>
      )}
    </section>
  );
}

export function StaffPrivacyPanel(props: { base: string; csrf: string; erasedAt: Date | null; confirm: boolean }) {
  return (
    <section class="panel" aria-labelledby="privacy-h">
      <h2 id="privacy-h">Reporter’s personal data</h2>
      <p>
        <a href={`${props.base}/reporter-data.json`} download>Export</a> for a request to access data.
      </p>
      {props.erasedAt ? (
        <p class="meta">Erased on {props.erasedAt.toISOString().slice(0, 10)}.</p>
      ) : (
        <form method="post" action={`${props.base}/erase-reporter`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <p class="hint">On the reporter’s request: erases name, handle, e-mail, OpenPGP key, mail addresses and credit; keeps the report.</p>
          {props.confirm ? <p class="field-error" role="alert">Tick the box to confirm.</p> : null}
          <label>
            <input type="checkbox" name="confirm" value="yes" /> Erase the reporter’s personal data
          </label>{' '}
          <button type="submit" class="danger">Erase</button>
        </form>
      )}
    </section>
  );
}
