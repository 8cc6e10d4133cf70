/// <reference lib="dom" />
/**
 * Progressive enhancement of the staff report page's message box: "Insert"
 * puts the chosen canned response into the draft at the cursor (replacing a
 * selection), without a round trip and without losing what was typed. The
 * filled texts come with the page in <template data-canned-id> elements
 * (src/web/views/report-composer-panel.tsx). Without JavaScript the same
 * button submits the form with action=insert-canned and the server shows the
 * page again with the text appended; nothing is sent either way.
 */

/**
 * The draft with `text` at the cursor, and where the cursor goes after it. At
 * the end of a draft the text starts a paragraph of its own, as the server's
 * no-JavaScript insert does; anywhere else it goes exactly where the cursor is.
 */
export function insertAt(draft: string, start: number, end: number, text: string): { value: string; cursor: number } {
  const before = draft.slice(0, start);
  const after = draft.slice(end);
  const atEnd = after.trim() === '' && before.trim() !== '';
  const head = atEnd ? before.replace(/\s+$/, '') + '\n\n' : before;
  return { value: head + text + after, cursor: (head + text).length };
}

function enhance(box: HTMLElement): void {
  const form = box.closest('form');
  const select = box.querySelector<HTMLSelectElement>('select[name="template"]');
  const button = box.querySelector<HTMLButtonElement>('button[value="insert-canned"]');
  const body = form?.querySelector<HTMLTextAreaElement>('textarea[name="body"]');
  if (!form || !select || !button || !body) return;
  // Where the cursor was when the textarea lost focus to the select or the button.
  let start = body.value.length;
  let end = start;
  const remember = () => {
    start = body.selectionStart;
    end = body.selectionEnd;
  };
  body.addEventListener('blur', remember);
  body.addEventListener('keyup', remember);
  body.addEventListener('mouseup', remember);
  button.addEventListener('click', (event) => {
    const template = box.querySelector<HTMLTemplateElement>(`template[data-canned-id="${CSS.escape(select.value)}"]`);
    if (!template) return; // Let the server answer.
    event.preventDefault();
    const text = template.content.textContent ?? '';
    const next = insertAt(body.value, Math.min(start, body.value.length), Math.min(end, body.value.length), text);
    body.value = next.value;
    body.focus();
    body.setSelectionRange(next.cursor, next.cursor);
    remember();
    body.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

for (const box of document.querySelectorAll<HTMLElement>('[data-canned-insert]')) enhance(box);
