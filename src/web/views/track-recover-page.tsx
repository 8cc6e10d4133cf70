import { ErrorSummary, FieldError, Layout, type PageChrome } from './layout.tsx';

export interface RecoverValues {
  reference: string;
  email: string;
}

/** Asks for a lost tracking link by reference and address; works without JavaScript. */
export function TrackRecoverPage(props: { chrome: PageChrome; csrf: string; values: RecoverValues; errors: Record<string, string>; sent: boolean }) {
  const { values, errors } = props;
  const { t } = props.chrome.t;
  const LABELS = { reference: t('recover.label.reference'), email: t('recover.label.email') };
  return (
    <Layout chrome={props.chrome} title={t('recover.title')}>
      <h1>{t('recover.title')}</h1>
      {props.sent ? (
        // The same words whether or not the reference and the address belong together: nothing here tells who reported what.
        <p class="notice success" role="status">{t('recover.sent')}</p>
      ) : null}
      <p>{t('recover.intro')}</p>
      <ErrorSummary errors={errors} labels={LABELS} heading={t('form.problem')} />
      <form method="post" action="/track/recover" novalidate>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class={errors.reference ? 'field invalid' : 'field'}>
          <label for="reference">{LABELS.reference}</label>
          <FieldError id="reference" message={errors.reference} />
          <input id="reference" name="reference" type="text" value={values.reference} required aria-invalid={errors.reference ? 'true' : undefined} aria-describedby={errors.reference ? 'reference-error' : undefined} />
        </div>
        <div class={errors.email ? 'field invalid' : 'field'}>
          <label for="email">{LABELS.email}</label>
          <FieldError id="email" message={errors.email} />
          <input id="email" name="email" type="email" value={values.email} required autoComplete="email" aria-invalid={errors.email ? 'true' : undefined} aria-describedby={errors.email ? 'email-error' : undefined} />
        </div>
        <p>
          <button type="submit" class="primary">{t('recover.send')}</button>
        </p>
      </form>
      <p class="meta">{t('recover.noEmail')}</p>
    </Layout>
  );
}
