import { ErrorSummary, FieldError, Layout, type PageChrome } from './layout.tsx';

const LABELS = { reference: 'Reference of your report', email: 'Your e-mail address' };

export interface RecoverValues {
  reference: string;
  email: string;
}

/** Asks for a lost tracking link by reference and address; works without JavaScript. */
export function TrackRecoverPage(props: { chrome: PageChrome; csrf: string; values: RecoverValues; errors: Record<string, string>; sent: boolean }) {
  const { values, errors } = props;
  return (
    <Layout chrome={props.chrome} title="Get a new tracking link">
      <h1>Get a new tracking link</h1>
      {props.sent ? (
        // The same words whether or not the reference and the address belong together: nothing here tells who reported what.
        <p class="notice success" role="status">
          If the reference and the e-mail address belong to the same report, a new tracking link is on its way to that address. The old link
          stops working once the new one is sent. Nothing arrived after a few minutes? Look in your spam folder, and check the reference and
          the address you gave with the report.
        </p>
      ) : null}
      <p>
        Lost the private link to your report? Give its reference (for example from our receipt mail) and the e-mail address you gave with the
        report. We send a new link to that address, encrypted to your OpenPGP key when you gave us one. Only we and you can see the address.
      </p>
      <ErrorSummary errors={errors} labels={LABELS} />
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
          <button type="submit" class="primary">Send me a new link</button>
        </p>
      </form>
      <p class="meta">No e-mail address with the report? Then we cannot send a link; write to us from the address you used, or report again.</p>
    </Layout>
  );
}
