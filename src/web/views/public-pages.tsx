import { POLICY_SECTIONS } from '../../policy/policy-sections.ts';
import { policyText } from '../../policy/policy-text.ts';
import type { Language } from '../../i18n/languages.ts';
import { translator, type Translator } from '../../i18n/translator.ts';
import { firstResponseKind } from '../../policy/promise-words.ts';
import type { PolicySections } from '../../programs/program-config.ts';
import type { Program } from '../../programs/programs.ts';
import { Layout, type PageChrome } from './layout.tsx';
import { Markdown } from './markdown.tsx';

/**
 * The policy sections a reader of `language` sees: the translation published with this version,
 * else the policy itself; with the translator its placeholders are filled in (their own language).
 */
export function policyIn(program: Program, language: Language): { sections: PolicySections; fill: Translator } {
  const translated = program.policy.translations[language];
  return translated ? { sections: translated, fill: translator(language) } : { sections: program.policy.sections, fill: translator(program.config.languages.default) };
}

export interface KeyInfo {
  fingerprint: string;
  keyId: string;
}

export function HomePage(props: { chrome: PageChrome; program: Program }) {
  const { program } = props;
  const tr = props.chrome.t;
  const { t } = tr;
  const policy = policyIn(program, tr.language);
  return (
    <Layout chrome={props.chrome} title={t('home.title')}>
      <h1>{program.config.name}</h1>
      <Markdown source={policyText(program, policy.sections.introduction, policy.fill)} />
      <p class="promise">
        {/* The time and the promise come from the program's SLA settings; only the words around them are translated. */}
        {tr.rich('home.promise', { kind: firstResponseKind(program.config.sla), days: program.config.sla.firstResponseBusinessDays, strong: (c) => <strong>{c}</strong> })}
      </p>
      <p>
        <a class="button primary" href="/report">{t('nav.report')}</a> <a class="button" href="/policy">{t('home.readPolicy')}</a>
      </p>
      <p>
        {tr.rich('home.email', { email: <a href={`mailto:${program.config.contactEmail}`}>{program.config.contactEmail}</a> })}
        {program.config.thanksPage ? <> {tr.rich('home.thanks', { link: (c) => <a href="/thanks">{c}</a> })}</> : null}
      </p>
      <p>
        {t('home.lostLink')} <a href="/track/recover">{t('home.lostLinkAction')}</a>.
      </p>
    </Layout>
  );
}

/** The sections of one policy version, rendered from Markdown without raw HTML. */
/** `t`: the reader's language (headings); `fill`: the language of the sections, whose placeholders it fills. */
export function PolicySectionsView(props: { program: Program; sections: PolicySections; t?: Translator; fill?: Translator }) {
  return (
    <>
      {POLICY_SECTIONS.filter(([key]) => (props.sections[key] ?? '').trim() !== '').map(([key, heading]) => (
        <section key={key} id={key}>
          <h2>{props.t ? props.t.t(`policy.section.${key}`) : heading}</h2>
          <Markdown source={policyText(props.program, props.sections[key], props.fill ?? props.t)} />
        </section>
      ))}
    </>
  );
}

/** `secure`: the page was served over https; only then does it say the form is encrypted in transit. */
export function ContactSection(props: { program: Program; keyInfo: KeyInfo | undefined; secure: boolean; t: Translator }) {
  const { program, keyInfo } = props;
  const tr = props.t;
  return (
    <section id="contact">
      <h2>{tr.t('policy.contact')}</h2>
      <ul>
        <li>
          {tr.rich('policy.contact.form', { secure: props.secure ? 'yes' : 'no', link: (c) => <a href="/report">{c}</a> })}
        </li>
        <li>
          {tr.t('policy.contact.email')} <a href={`mailto:${program.config.contactEmail}`}>{program.config.contactEmail}</a>
        </li>
        {keyInfo ? (
          <li>
            {tr.rich('policy.contact.key', {
              keyId: <code>{keyInfo.keyId}</code>,
              fingerprint: <code class="fingerprint">{keyInfo.fingerprint}</code>,
              link: (c) => <a href="/pgp-key.txt">{c}</a>,
            })}
          </li>
        ) : null}
        <li>
          {tr.t('policy.contact.machine')} <a href="/.well-known/security.txt">security.txt</a>
        </li>
      </ul>
    </section>
  );
}

export function PolicyPage(props: { chrome: PageChrome; program: Program; keyInfo: KeyInfo | undefined }) {
  const { program } = props;
  const tr = props.chrome.t;
  const translated = program.policy.translations[tr.language];
  const policy = policyIn(program, tr.language);
  return (
    <Layout chrome={props.chrome} title={tr.t('nav.policy')}>
      <h1>{tr.t('policy.heading')}</h1>
      <p class="meta">
        {tr.t('policy.meta', { vendor: program.config.vendor, version: program.policy.version, updated: tr.dateTime(program.policy.publishedAt, props.chrome.timeZone) })} ·{' '}
        <a href="/policy/history">{tr.t('policy.historyLink')}</a>
      </p>
      {/* The policy in the reader's language when the program publishes one, else its own (default) text. */}
      {translated || tr.language === program.config.languages.default ? (
        <PolicySectionsView program={program} sections={policy.sections} t={tr} fill={policy.fill} />
      ) : (
        <>
          <p class="notice">{tr.t('policy.untranslated')}</p>
          <div lang={program.config.languages.default}>
            <PolicySectionsView program={program} sections={policy.sections} t={tr} fill={policy.fill} />
          </div>
        </>
      )}
      <ContactSection program={program} keyInfo={props.keyInfo} secure={props.chrome.secure ?? false} t={tr} />
    </Layout>
  );
}
