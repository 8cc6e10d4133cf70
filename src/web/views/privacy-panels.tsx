/**
 * The reporter's rights over their personal data: on the tracking page for
 * the reporter, on the report page for the program's admins. Erasure keeps
 * the vulnerability record (src/privacy/erase-reporter-data.ts says what goes).
 */

const WHAT_GOES = 'your name, handle and e-mail address, your OpenPGP key, the addresses of mail we exchanged, and your credit';

export function TrackPrivacySection(props: { base: string; csrf: string; erasedAt: Date | null; confirm: boolean; erased: boolean }) {
  return (
    <section aria-labelledby="privacy-h">
      <h2 id="privacy-h">Your data</h2>
      {props.erased ? <p class="notice success" role="status">Your personal data was erased. This link keeps working; we can no longer e-mail you.</p> : null}
      <p>
        <a href={`${props.base}/my-data.json`} download>Download everything we hold about you in this report</a> (JSON: what you sent, the
        thread you see, the mail we exchanged).
      </p>
      {props.erasedAt ? (
        <p class="meta">Your personal data was erased on {props.erasedAt.toISOString().slice(0, 10)}.</p>
      ) : (
        <details open={props.confirm}>
          <summary>Erase my personal data</summary>
          <p>
            We erase {WHAT_GOES}. The report itself stays, so we can fix the problem and account for it; we will no longer be able to e-mail
            you, and you will not be credited. A credit in an advisory already published stays until you ask us to remove it.
          </p>
          <form method="post" action={`${props.base}/erase`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            {props.confirm ? <p class="field-error" role="alert">Tick the box to confirm.</p> : null}
            <label>
              <input type="checkbox" name="confirm" value="yes" /> I understand: erase my personal data from this report.
            </label>{' '}
            <button type="submit" class="danger">Erase</button>
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
