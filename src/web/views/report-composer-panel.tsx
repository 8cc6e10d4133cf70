import { FieldError } from './layout.tsx';

/** What the message box shows again: what was typed, for whom, and why it came back. */
export interface ComposerDraft {
  body: string;
  visibility: 'reporter' | 'internal';
  error?: string;
  /** The canned response just inserted, kept selected. */
  template?: string;
  /** Files were chosen when "Insert" was pressed; a file input cannot be filled again by the server. */
  attachmentsDropped?: boolean;
}

/** A canned response filled for this report, for the message box's "Insert". */
export interface ComposerTemplate {
  id: string;
  title: string;
  /** The template's text with this report's values, which the script inserts at the cursor. */
  filled: string;
}

/**
 * The message box under the timeline. It opens on "internal note": only an
 * explicit choice mails the reporter (the route and the use case treat
 * anything else as internal), and the stylesheet marks a reply in the
 * reporter's colours with a warning and a "Send to the reporter" button.
 * "Insert" puts a canned response into the draft: without JavaScript it
 * submits the form with `action=insert-canned` and the server shows the page
 * again with the draft and the filled text after it, sending nothing; with
 * src/client/canned-insert.ts it inserts at the cursor from the filled texts
 * carried in <template> elements.
 */
export function ReportComposer(props: { base: string; csrf: string; draft?: ComposerDraft; templates: ComposerTemplate[]; /** Invited parties (docs/coordination.md): the message may also be shared with one or all. */ parties?: { id: string; label: string }[] }) {
  const draft = props.draft;
  const reply = draft?.visibility === 'reporter';
  return (
    <section aria-labelledby="write-h" class="composer">
      <h2 id="write-h">Write</h2>
      <form method="post" action={`${props.base}/messages`} enctype="multipart/form-data" class="composer-form">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <fieldset class="audience">
          <legend>Who sees it</legend>
          <label class="audience-choice audience-internal">
            <input type="radio" name="visibility" value="internal" id="visibility-internal" checked={!reply} />
            <span>
              <strong>Internal note</strong> <span class="meta">the team only; never mailed</span>
            </span>
          </label>
          <label class="audience-choice audience-reporter">
            <input type="radio" name="visibility" value="reporter" id="visibility-reporter" checked={reply} />
            <span>
              <strong>Reply to the reporter</strong> <span class="meta">sent to the reporter by e-mail and shown on their tracking page</span>
            </span>
          </label>
        </fieldset>
        <p class="composer-warning" role="note">This message goes to the reporter.</p>
        {props.templates.length ? (
          <div class="canned-insert" data-canned-insert="">
            <div class="field">
              <label for="template">Canned response</label>
              <select id="template" name="template">
                {props.templates.map((t) => (
                  <option key={t.id} value={t.id} selected={t.id === draft?.template}>{t.title}</option>
                ))}
              </select>
            </div>
            <button type="submit" name="action" value="insert-canned" formnovalidate>Insert</button>
            <a href="/staff/canned-responses" class="meta">Manage</a>
            {props.templates.map((t) => (
              <template key={t.id} data-canned-id={t.id}>{t.filled}</template>
            ))}
          </div>
        ) : (
          <p class="meta">No canned responses yet (<a href="/staff/canned-responses">add some</a>).</p>
        )}
        <div class={draft?.error ? 'field invalid' : 'field'}>
          <label for="body">Message</label>
          <FieldError id="body" message={draft?.error} />
          <textarea id="body" name="body" rows={6} required>{draft?.body ?? ''}</textarea>
        </div>
        <div class="field">
          <label for="attachments">Attachments <span class="optional">(optional)</span></label>
          {draft?.attachmentsDropped ? <p class="field-error" role="alert">Attachments are kept only when you send: choose them again.</p> : null}
          <input id="attachments" name="attachments" type="file" multiple />
        </div>
        {props.parties?.length ? (
          <div class="field">
            <label for="shareWith">Also share with an invited party</label>
            <select id="shareWith" name="shareWith">
              <option value="">Nobody outside the team</option>
              {props.parties.map((p) => (
                <option key={p.id} value={p.id}>{p.label}</option>
              ))}
              {props.parties.length > 1 ? <option value="all">Every invited party</option> : null}
            </select>
          </div>
        ) : null}
        <button type="submit" name="action" value="send" class="primary composer-send">
          <span class="when-internal">Add internal note</span>
          <span class="when-reply">Send to the reporter</span>
        </button>
      </form>
    </section>
  );
}
