// Passkeys on the staff pages (progressive enhancement: without JavaScript these forms
// stay hidden and everything else works). A form marked data-passkey="register" or
// "assert" asks the server for options (data-options, with the form's CSRF token),
// lets the browser create or use a passkey, puts the answer in its hidden "credential"
// field and submits the form as usual; the server checks it and redirects.
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

function messageOf(err: unknown): string {
  const name = (err as { name?: string }).name;
  if (name === 'NotAllowedError' || name === 'AbortError') return 'The passkey request was cancelled or timed out. Try again.';
  if (name === 'InvalidStateError') return 'This passkey is already registered for your account.';
  return 'The passkey did not work in this browser. Try again, or use another way.';
}

async function run(form: HTMLFormElement, mode: string): Promise<void> {
  const error = form.querySelector<HTMLElement>('[data-passkey-error]');
  const csrf = form.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? '';
  const credential = form.querySelector<HTMLInputElement>('input[name="credential"]');
  // Adding a passkey may need the password first (sent with the options request only).
  const password = mode === 'register' ? form.querySelector<HTMLInputElement>('input[name="password"]') : null;
  if (error) error.textContent = '';
  try {
    const res = await fetch(form.dataset.options ?? '', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(password ? { password: password.value } : {}),
    });
    if (password) password.value = '';
    if (!res.ok) {
      const refusal = (await res.json().catch(() => ({}))) as { error?: unknown };
      throw Object.assign(new Error(`options: ${res.status}`), { name: 'OptionsError', refusal: typeof refusal.error === 'string' ? refusal.error : undefined });
    }
    const optionsJSON = await res.json();
    const answer = mode === 'register' ? await startRegistration({ optionsJSON }) : await startAuthentication({ optionsJSON });
    if (credential) credential.value = JSON.stringify(answer);
    form.submit();
  } catch (err) {
    const e = err as { name?: string; refusal?: string };
    if (error) error.textContent = e.name === 'OptionsError' ? (e.refusal ?? 'The server refused to start the passkey request. Reload the page and try again.') : messageOf(err);
  }
}

function enhance(): void {
  if (!browserSupportsWebAuthn()) return;
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-passkey]')) {
    const mode = form.dataset.passkey ?? '';
    form.hidden = false;
    for (const el of form.querySelectorAll<HTMLElement>('[data-passkey-only]')) el.hidden = false;
    const trigger = form.querySelector<HTMLButtonElement>('[data-passkey-trigger]');
    if (trigger) {
      // A button beside the form's own submit (e.g. "confirm with a passkey" next to a password).
      trigger.addEventListener('click', (event) => {
        event.preventDefault();
        void run(form, mode);
      });
    } else {
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        if (form.reportValidity()) void run(form, mode);
      });
    }
  }
}

enhance();
