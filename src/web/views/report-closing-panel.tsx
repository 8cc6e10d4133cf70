import { AI_ASSISTANCE_CHOICES } from '../../domain/report-input.ts';
import type { ReportExtrasView } from '../../triage/load-report-extras.ts';
import { IP_BLOCK_DAYS } from '../../triage/block-list.ts';
import { CLOSURE_REASONS } from '../../triage/closure-reasons.ts';

/** Shown at the top of a quarantined report: why, and the two decisions. */
export function QuarantinePanel(props: { extras: ReportExtrasView; base: string; csrf: string; canEdit: boolean }) {
  const q = props.extras.quarantine;
  if (!q) return null;
  return (
    <section class="notice error quarantine" aria-labelledby="quarantine-h">
      <h2 id="quarantine-h">In quarantine</h2>
      <p>This report looked like spam when it arrived. It was stored and acknowledged, but is listed only in the Quarantine tab.</p>
      <ul>
        {q.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {props.canEdit ? (
        <div class="actions">
          <form method="post" action={`${props.base}/release`} class="inline">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <button type="submit">Not spam: release</button>
          </form>{' '}
          <form method="post" action={`${props.base}/spam`} class="inline">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <input type="hidden" name="block" value="yes" />
            <button type="submit" class="danger">Close as spam and block the sender’s e-mail address</button>
          </form>
        </div>
      ) : null}
    </section>
  );
}

/** The side panel's closing forms: not applicable with a reason (and a template), or spam. */
export function ClosePanel(props: { extras: ReportExtrasView; base: string; csrf: string }) {
  const { extras } = props;
  if (!extras.canCloseNotApplicable && !extras.canCloseSpam) return null;
  const closing = extras.templates.filter((t) => t.closureReason);
  const ai = AI_ASSISTANCE_CHOICES.find(([id]) => id === extras.aiAssistance)?.[1];
  return (
    <section aria-labelledby="close-h">
      <h2 id="close-h">Close</h2>
      {ai ? <p class="meta">AI assistance declared by the reporter: {ai}.</p> : null}
      {extras.canCloseNotApplicable ? (
        <form method="post" action={`${props.base}/close`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <div class="field">
            <label for="closureReason">Reason</label>
            <select id="closureReason" name="closureReason">
              <option value="">From the template, or choose…</option>
              {Object.entries(CLOSURE_REASONS).map(([id, r]) => (
                <option key={id} value={id}>{r.label}</option>
              ))}
            </select>
          </div>
          {closing.length ? (
            <div class="field">
              <label for="closeTemplate">Template <span class="optional">(optional)</span></label>
              <select id="closeTemplate" name="template">
                <option value="">None</option>
                {closing.map((t) => (
                  <option key={t.id} value={t.id}>{t.title} ({CLOSURE_REASONS[t.closureReason!].label})</option>
                ))}
              </select>
            </div>
          ) : null}
          <div class="field">
            <label for="closeNote">Message to the reporter <span class="optional">(optional; replaces the template)</span></label>
            <textarea id="closeNote" name="note" rows={3} maxLength={5000}></textarea>
          </div>
          <button type="submit">Close as not applicable</button>
        </form>
      ) : null}
      {extras.canCloseSpam ? (
        <form method="post" action={`${props.base}/spam`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <label class="choice">
            <input type="checkbox" name="block" value="yes" /> Also block the sender’s e-mail address
          </label>
          {extras.ipKnown ? (
            <div class="field">
              <label for="blockIp">
                Also block the submitting IP address <span class="optional">(admins only; everyone behind it, such as an office, a proxy or a Tor exit, would be quarantined too)</span>
              </label>
              <select id="blockIp" name="blockIp">
                <option value="">No</option>
                {IP_BLOCK_DAYS.map((d) => (
                  <option key={d} value={String(d)}>For {d} {d === 1 ? 'day' : 'days'}</option>
                ))}
              </select>
            </div>
          ) : null}
          <button type="submit" class="danger">Close as spam (no reply)</button>
        </form>
      ) : null}
    </section>
  );
}
