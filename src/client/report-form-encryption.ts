/// <reference lib="dom" />
/**
 * Progressive enhancement of /report: when JavaScript runs, the report's
 * fields and attachments are encrypted to the program's OpenPGP key before
 * they leave the page. Without JavaScript (or if anything here fails before
 * submitting) the form posts as usual, over TLS where the page was served over https.
 */
import { createMessage, encrypt, readKey } from 'openpgp';

/** Fields sealed in the browser; the server decrypts them with the program key. */
const SEALED_FIELDS = ['title', 'productVersion', 'description', 'stepsToReproduce', 'impact', 'cvssVector', 'reporterName', 'reporterHandle', 'reporterEmail'] as const;

/** Only a page the browser loaded over https may say the connection is encrypted. */
const overTls = (): boolean => location.protocol === 'https:';

async function main(): Promise<void> {
  const form = document.querySelector<HTMLFormElement>('form[data-encrypt-to]');
  if (!form) return;
  const status = document.getElementById('encryption-status');
  let key: Awaited<ReturnType<typeof readKey>>;
  try {
    const res = await fetch(form.dataset.encryptTo!, { credentials: 'omit' });
    if (!res.ok) throw new Error(`key download failed (${res.status})`);
    key = await readKey({ armoredKey: await res.text() });
  } catch (err) {
    if (status) {
      status.textContent = overTls()
        ? 'Your browser could not load our encryption key; the report will be sent over the encrypted connection (TLS) only.'
        : 'Your browser could not load our encryption key, and this page was reached over plain http: the report would be sent unencrypted.';
      status.hidden = false;
    }
    console.warn(err);
    return;
  }
  const fingerprint = key.getFingerprint().toUpperCase();
  if (status) {
    status.textContent = `Your report and attachments will be encrypted in this browser with our OpenPGP key ${fingerprint} before they are sent.`;
    status.hidden = false;
  }

  let sealedOnce = false;
  form.addEventListener('submit', (event) => {
    if (sealedOnce) return;
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
    if (button) button.disabled = true;
    seal(form, key)
      .then(() => {
        sealedOnce = true;
        form.submit();
      })
      .catch((err: unknown) => {
        console.error(err);
        if (button) button.disabled = false;
        if (status) {
          status.textContent = overTls()
            ? 'Encryption in the browser failed; nothing was sent. Try again, or disable JavaScript to send over TLS only.'
            : 'Encryption in the browser failed; nothing was sent. Try again.';
        }
      });
  });
}

async function seal(form: HTMLFormElement, key: Awaited<ReturnType<typeof readKey>>): Promise<void> {
  const values: Record<string, string> = {};
  for (const name of SEALED_FIELDS) {
    const field = form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | null;
    if (!field) continue;
    values[name] = field.value;
  }
  const input = form.elements.namedItem('attachments') as HTMLInputElement | null;
  const files = input?.files ? [...input.files] : [];
  const attachmentNames = files.map((f) => f.name);
  const armored = await encrypt({ message: await createMessage({ text: JSON.stringify({ ...values, attachmentNames }) }), encryptionKeys: key });

  // Attachments travel as opaque numbered .pgp files; their real names are inside the sealed message.
  const sealedFiles: File[] = [];
  for (const [i, file] of files.entries()) {
    const binary = new Uint8Array(await file.arrayBuffer());
    const encrypted = await encrypt({ message: await createMessage({ binary }), encryptionKeys: key, format: 'binary' });
    sealedFiles.push(new File([encrypted as Uint8Array<ArrayBuffer>], `attachment-${i + 1}.pgp`, { type: 'application/pgp-encrypted' }));
  }

  for (const name of SEALED_FIELDS) {
    const field = form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | null;
    if (field) field.value = '';
  }
  if (input) {
    const transfer = new DataTransfer();
    for (const f of sealedFiles) transfer.items.add(f);
    input.files = transfer.files;
  }
  addHidden(form, 'sealed', armored as string);
  addHidden(form, 'clientEncryption', 'openpgp');
}

function addHidden(form: HTMLFormElement, name: string, value: string): void {
  const el = document.createElement('input');
  el.type = 'hidden';
  el.name = name;
  el.value = value;
  form.appendChild(el);
}

void main();
