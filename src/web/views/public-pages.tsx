import { POLICY_SECTIONS } from '../../policy/policy-sections.ts';
import { policyText } from '../../policy/policy-text.ts';
import { firstResponseParts } from '../../policy/promise-words.ts';
import type { PolicySections } from '../../programs/program-config.ts';
import type { Program } from '../../programs/programs.ts';
import { Layout, formatDate, type PageChrome } from './layout.tsx';
import { Markdown } from './markdown.tsx';

export interface KeyInfo {
  fingerprint: string;
  keyId: string;
}

export function HomePage(props: { chrome: PageChrome; program: Program }) {
  const { program } = props;
  const promise = firstResponseParts(program.config.sla);
  return (
    <Layout chrome={props.chrome} title="Security">
      <h1>{program.config.name}</h1>
      <Markdown source={policyText(program, program.policy.sections.introduction)} />
      <p class="promise">
        We respond to every report within <strong>{promise.time}</strong>
        {promise.what}.
      </p>
      <p>
        <a class="button primary" href="/report">Report a vulnerability</a> <a class="button" href="/policy">Read the disclosure policy</a>
      </p>
      <p>
        You can also e-mail <a href={`mailto:${program.config.contactEmail}`}>{program.config.contactEmail}</a>.
        {program.config.thanksPage ? <> See who has helped us on our <a href="/thanks">thanks page</a>.</> : null}
      </p>
      <p>
        Reported to us already and lost your tracking link? <a href="/track/recover">Get a new one by e-mail</a>.
      </p>
    </Layout>
  );
}

/** The sections of one policy version, rendered from Markdown without raw HTML. */
export function PolicySectionsView(props: { program: Program; sections: PolicySections }) {
  return (
    <>
      {POLICY_SECTIONS.filter(([key]) => (props.sections[key] ?? '').trim() !== '').map(([key, heading]) => (
        <section key={key} id={key}>
          <h2>{heading}</h2>
          <Markdown source={policyText(props.program, props.sections[key])} />
        </section>
      ))}
    </>
  );
}

/** `secure`: the page was served over https; only then does it say the form is encrypted in transit. */
export function ContactSection(props: { program: Program; keyInfo: KeyInfo | undefined; secure: boolean }) {
  const { program, keyInfo } = props;
  return (
    <section id="contact">
      <h2>Contact</h2>
      <ul>
        <li>
          Web form: <a href="/report">report a vulnerability</a> ({props.secure ? 'encrypted in transit; ' : ''}no account needed)
        </li>
        <li>
          E-mail: <a href={`mailto:${program.config.contactEmail}`}>{program.config.contactEmail}</a>
        </li>
        {keyInfo ? (
          <li>
            OpenPGP key: id <code>{keyInfo.keyId}</code>, fingerprint <code class="fingerprint">{keyInfo.fingerprint}</code> (
            <a href="/pgp-key.txt">download</a>)
          </li>
        ) : null}
        <li>
          Machine-readable: <a href="/.well-known/security.txt">security.txt</a>
        </li>
      </ul>
    </section>
  );
}

export function PolicyPage(props: { chrome: PageChrome; program: Program; keyInfo: KeyInfo | undefined }) {
  const { program } = props;
  return (
    <Layout chrome={props.chrome} title="Disclosure policy">
      <h1>Coordinated vulnerability disclosure policy</h1>
      <p class="meta">
        {program.config.vendor} · version {program.policy.version} · last updated {formatDate(program.policy.publishedAt)} ·{' '}
        <a href="/policy/history">history of changes</a>
      </p>
      <PolicySectionsView program={program} sections={program.policy.sections} />
      <ContactSection program={program} keyInfo={props.keyInfo} secure={props.chrome.secure ?? false} />
    </Layout>
  );
}
