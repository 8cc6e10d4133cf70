import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Language } from '../../i18n/languages.ts';
import type { Translator } from '../../i18n/translator.ts';

export interface PageChrome {
  /** Program or instance name shown in the header. */
  siteName: string;
  /** Present on staff pages: who is signed in, and the CSRF token for the sign-out form. */
  staff?: { displayName: string; csrf: string; canEditPolicy: boolean; canViewSubscribers?: boolean; canOperateJobs?: boolean; canViewTeam?: boolean };
  /** Whether the program publishes a thanks page. */
  thanksPage: boolean;
  /** Path of the current page, for aria-current in the navigation. */
  path: string;
  /** Served over https (directly or by a trusted proxy): only then may a page say the connection is encrypted. */
  secure?: boolean;
  /** The reader's language (src/web/request-language.ts); staff pages are English. */
  t: Translator;
  /** The program's zone: dates on public pages are shown in it, with its name. */
  timeZone: string;
  /** The language links of a public page (none on staff pages or when only one language is offered). */
  languages: { language: Language; name: string; href: string; current: boolean }[];
}

function NavLink(props: { href: string; path: string; children: ComponentChildren }) {
  const current = props.path === props.href || (props.href !== '/' && props.path.startsWith(props.href + '/'));
  return (
    <a href={props.href} aria-current={current ? 'page' : undefined}>
      {props.children}
    </a>
  );
}

/** A machine-readable variant of the page (feeds, CSAF, OSV), announced in the head. */
export interface AlternateLink {
  href: string;
  type: string;
  title: string;
}

export function Layout(props: { chrome: PageChrome; title: string; children: ComponentChildren; wide?: boolean; scripts?: string[]; alternates?: AlternateLink[] }) {
  const { chrome } = props;
  const { t } = chrome.t;
  return (
    <html lang={chrome.t.language}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${chrome.siteName}`}</title>
        <link rel="stylesheet" href="/static/style.css" />
        {(props.alternates ?? []).map((a) => (
          <link key={a.href} rel="alternate" type={a.type} href={a.href} title={a.title} />
        ))}
        {(props.scripts ?? []).map((src) => (
          <script key={src} type="module" src={src} />
        ))}
      </head>
      <body class={chrome.staff ? 'staff' : 'public'}>
        <a class="skip" href="#main">{t('layout.skip')}</a>
        <header class="site">
          <a class="brand" href={chrome.staff ? '/staff/reports' : '/'}>
            {chrome.siteName}
          </a>
          <nav aria-label="Main">
            {chrome.staff ? (
              <>
                <NavLink href="/staff/reports" path={chrome.path}>Inbox</NavLink>
                <NavLink href="/staff/metrics" path={chrome.path}>Metrics</NavLink>
                <NavLink href="/staff/canned-responses" path={chrome.path}>Canned responses</NavLink>
                <NavLink href="/staff/advisories" path={chrome.path}>Advisories</NavLink>
                <NavLink href="/staff/approvals" path={chrome.path}>Approvals</NavLink>
                {chrome.staff.canViewSubscribers ? <NavLink href="/staff/subscribers" path={chrome.path}>Subscribers</NavLink> : null}
                <NavLink href="/policy" path={chrome.path}>Policy</NavLink>
                {chrome.staff.canEditPolicy ? <NavLink href="/staff/policy" path={chrome.path}>Edit policy</NavLink> : null}
                {chrome.staff.canEditPolicy ? <NavLink href="/staff/api-tokens" path={chrome.path}>API tokens</NavLink> : null}
                {chrome.staff.canOperateJobs ? <NavLink href="/staff/deliveries" path={chrome.path}>Deliveries</NavLink> : null}
                {chrome.staff.canOperateJobs ? <NavLink href="/staff/webhooks" path={chrome.path}>Webhooks</NavLink> : null}
                {chrome.staff.canOperateJobs ? <NavLink href="/staff/trackers" path={chrome.path}>Trackers</NavLink> : null}
                {chrome.staff.canViewTeam ? <NavLink href="/staff/team" path={chrome.path}>Team</NavLink> : null}
                {chrome.staff.canViewTeam ? <NavLink href="/staff/audit" path={chrome.path}>Audit log</NavLink> : null}
                <NavLink href="/staff/account" path={chrome.path}>Account</NavLink>
                <form method="post" action="/staff/logout" class="inline">
                  <input type="hidden" name="_csrf" value={chrome.staff.csrf} />
                  <button type="submit" class="link">Sign out {chrome.staff.displayName}</button>
                </form>
              </>
            ) : (
              <>
                <NavLink href="/policy" path={chrome.path}>{t('nav.policy')}</NavLink>
                <NavLink href="/report" path={chrome.path}>{t('nav.report')}</NavLink>
                <NavLink href="/advisories" path={chrome.path}>{t('nav.advisories')}</NavLink>
                <NavLink href="/subscribe" path={chrome.path}>{t('nav.subscribe')}</NavLink>
                {chrome.thanksPage ? <NavLink href="/thanks" path={chrome.path}>{t('nav.thanks')}</NavLink> : null}
              </>
            )}
          </nav>
          {chrome.languages.length > 0 ? (
            // Plain links: the choice works without JavaScript (src/web/request-language.ts).
            <nav class="languages" aria-label={t('layout.languages')}>
              {chrome.languages.map((l) => (
                <a key={l.language} href={l.href} hreflang={l.language} lang={l.language} aria-current={l.current ? 'true' : undefined}>
                  {l.name}
                </a>
              ))}
            </nav>
          ) : null}
        </header>
        <main id="main" class={props.wide ? 'wide' : undefined}>
          {props.children}
        </main>
        <footer class="site">
          <p>
            {t('layout.poweredBy')} · <a href="/policy">{t('nav.policy')}</a>
            {chrome.staff ? null : <> · <a href="/staff/login">{t('layout.staffSignIn')}</a></>}
          </p>
        </footer>
      </body>
    </html>
  );
}

/** The one way pages become HTML: Preact escapes every interpolated value. */
export function renderPage(node: preact.VNode): string {
  return '<!doctype html>' + renderToString(node);
}

export function FieldError(props: { id: string; message: string | undefined }) {
  return props.message ? (
    <p class="field-error" id={`${props.id}-error`}>
      {props.message}
    </p>
  ) : null;
}

/** Summary at the top of a form that failed validation, linking to each field. */
export function ErrorSummary(props: { errors: Record<string, string>; labels: Record<string, string>; heading?: string }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1}>
      <h2>{props.heading ?? 'There is a problem'}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>
            {/* Name the field unless the message already does ("Title is required."). */}
            <a href={`#${field}`}>{props.labels[field] && !message.startsWith(props.labels[field]) ? `${props.labels[field]}: ${message}` : message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function formatDate(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export { formatSize } from '../../i18n/file-size.ts';
