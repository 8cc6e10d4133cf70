import type { Program } from '../../programs/programs.ts';
import type { PolicySections } from '../../programs/program-config.ts';
import { Layout, formatDate, type PageChrome } from './layout.tsx';
import { Markdown } from './markdown.tsx';

/** Fills the policy's placeholders from structured settings, so numbers never disagree with the SLA. */
export function policyText(program: Program, text: string): string {
  return text.replaceAll('{{firstResponseBusinessDays}}', String(program.config.sla.firstResponseBusinessDays));
}

const SECTIONS: [keyof PolicySections, string][] = [
  ['introduction', 'Introduction'],
  ['researcherRules', 'What we ask of you'],
  ['promises', 'What we promise'],
  ['scope', 'Scope'],
  ['rewards', 'Rewards'],
  ['customerNotification', 'How we inform customers'],
  ['privacy', 'Privacy notice'],
];

export function HomePage(props: { chrome: PageChrome; program: Program }) {
  const { program } = props;
  return (
    <Layout chrome={props.chrome} title="Security">
      <h1>{program.config.name}</h1>
      <Markdown source={policyText(program, program.policy.sections.introduction)} />
      <p class="promise">
        We respond to every report within <strong>{program.config.sla.firstResponseBusinessDays} business days</strong> with our
        evaluation and an expected resolution date.
      </p>
      <p>
        <a class="button primary" href="/report">Report a vulnerability</a> <a class="button" href="/policy">Read the disclosure policy</a>
      </p>
      <p>
        You can also e-mail <a href={`mailto:${program.config.contactEmail}`}>{program.config.contactEmail}</a>.
      </p>
    </Layout>
  );
}

export function PolicyPage(props: { chrome: PageChrome; program: Program }) {
  const { program } = props;
  return (
    <Layout chrome={props.chrome} title="Disclosure policy">
      <h1>Coordinated vulnerability disclosure policy</h1>
      <p class="meta">
        {program.config.vendor} · version {program.policy.version} · last updated {formatDate(program.policy.publishedAt)}
      </p>
      {SECTIONS.filter(([key]) => program.policy.sections[key].trim() !== '').map(([key, heading]) => (
        <section key={key} id={key}>
          <h2>{heading}</h2>
          <Markdown source={policyText(program, program.policy.sections[key])} />
        </section>
      ))}
      <section id="contact">
        <h2>Contact</h2>
        <ul>
          <li>
            Web form: <a href="/report">report a vulnerability</a>
          </li>
          <li>
            E-mail: <a href={`mailto:${program.config.contactEmail}`}>{program.config.contactEmail}</a>
          </li>
        </ul>
      </section>
    </Layout>
  );
}
