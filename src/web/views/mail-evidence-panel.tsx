import type { InboundMailOutcome, MailDecryption, MailSignature } from '../../db/schema.ts';
import type { MailEvidenceView } from '../../mail-intake/mail-evidence-view.ts';
export type { MailEvidenceView };
import { formatDate, formatSize } from './layout.tsx';

const DECRYPTION: Record<MailDecryption, string> = {
  decrypted: 'decrypted',
  'not-encrypted': 'not encrypted',
  failed: 'could not be decrypted',
};

const SIGNATURE: Record<MailSignature, string> = {
  valid: 'signature valid',
  invalid: 'signature invalid',
  'unknown-key': 'signed with a key we do not have',
  unsigned: 'not signed',
};

const OUTCOME: Record<InboundMailOutcome, string> = {
  pending: 'not processed yet',
  'new-report': 'filed as this report',
  reply: 'joined the thread as a reply',
  'auto-reply': 'an automatic reply, kept as evidence',
  bounce: 'a bounce, kept as evidence',
  ignored: 'ignored (our own mail)',
};

/** "ABCD 1234 …": fingerprints are read aloud and compared in groups of four. */
export function formatFingerprint(fingerprint: string): string {
  return fingerprint.toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * For each mail a report came from or was answered by: whether it was
 * decrypted, whether the signature held and by which key, the reporter's key
 * on file, and the original to download (docs/mail.md).
 */
export function MailEvidencePanel(props: { view: MailEvidenceView; base: string }) {
  const { mails, reporterKey } = props.view;
  return (
    <section aria-labelledby="mail-evidence-h" class="mail-evidence">
      <h2 id="mail-evidence-h">E-mail evidence</h2>
      <p>
        Reporter’s key on file:{' '}
        {reporterKey ? (
          <>
            <code class="fingerprint">{formatFingerprint(reporterKey.fingerprint)}</code>
            {reporterKey.userIds.length ? <span class="meta"> ({reporterKey.userIds.join(', ')})</span> : null}
          </>
        ) : (
          <span class="meta">none</span>
        )}
      </p>
      <ol class="mails">
        {mails.map((m) => (
          <li key={m.id} class="mail">
            <p>
              <strong class={`mail-crypto decryption-${m.decryption ?? 'pending'} signature-${m.signature ?? 'pending'}`}>
                {m.decryption ? DECRYPTION[m.decryption] : 'not read yet'}, {m.signature ? SIGNATURE[m.signature] : 'signature not checked yet'}
              </strong>
              <span class="meta"> · received {formatDate(m.receivedAt)} by {m.source === 'smtp' ? 'SMTP' : 'IMAP'}; {OUTCOME[m.outcome]}</span>
            </p>
            <dl class="summary">
              {m.signerFingerprint ? (
                <>
                  <dt>{m.signature === 'valid' ? 'Signed by' : 'Signature claims'}</dt>
                  <dd>
                    {m.signerUserIds.length ? <span class="signer">{m.signerUserIds.join(', ')}</span> : <span class="meta">no user ID</span>}{' '}
                    <code class="fingerprint">{formatFingerprint(m.signerFingerprint)}</code>
                    {reporterKey && reporterKey.fingerprint === m.signerFingerprint ? <span class="meta"> (the reporter’s key on file)</span> : null}
                  </dd>
                </>
              ) : null}
              {m.detail ? (
                <>
                  <dt>Notes</dt>
                  <dd>{m.detail}</dd>
                </>
              ) : null}
              <dt>Sender (envelope)</dt>
              <dd>{m.envelopeFrom === null ? <span class="meta">unknown</span> : m.envelopeFrom === '' ? <span class="meta">null sender &lt;&gt;</span> : m.envelopeFrom}</dd>
              <dt>Message-ID</dt>
              <dd>{m.messageId ? <code>{m.messageId}</code> : <span class="meta">none</span>}</dd>
              <dt>SHA-256</dt>
              <dd><code class="digest">{m.rawSha256}</code> <span class="meta">({formatSize(m.size)})</span></dd>
            </dl>
            <p>
              <a href={`${props.base}/mails/${m.id}/original`} download>Download the original message (.eml)</a>
              {m.downloads.length ? (
                <span class="meta">
                  {' '}· downloaded by {m.downloads.map((d) => `${d.by} (${formatDate(d.at)})`).join(', ')}
                </span>
              ) : null}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
