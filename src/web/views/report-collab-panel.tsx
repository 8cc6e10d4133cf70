import type { WatchersView } from '../../triage/watch-report.ts';

/** Watching, converting to a ticket and crediting a duplicate (src/web/routes/staff-collab.tsx). */
export interface CollabView {
  watchers: WatchersView;
  canConvert: boolean;
  converted: boolean;
  /** Set when the report is a duplicate of another. */
  duplicate: { creditWithOriginal: boolean } | null;
}

/** Any member who can see the report may watch it; the button posts, so it works without JavaScript. */
export function WatchPanel(props: { view: CollabView; base: string; csrf: string }) {
  const { watchers } = props.view;
  return (
    <section aria-labelledby="watch-h">
      <h2 id="watch-h">Watchers</h2>
      <p class="meta">{watchers.names.length ? watchers.names.join(', ') : 'Nobody watches this report.'}</p>
      <form method="post" action={`${props.base}/${watchers.watching ? 'unwatch' : 'watch'}`}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <button type="submit">{watchers.watching ? 'Stop watching' : 'Watch'}</button>
      </form>
    </section>
  );
}

export function ConvertPanel(props: { view: CollabView; base: string; csrf: string }) {
  if (!props.view.canConvert && !props.view.converted) return null;
  return (
    <section aria-labelledby="convert-h">
      <h2 id="convert-h">Not security</h2>
      {props.view.canConvert ? (
        <form method="post" action={`${props.base}/convert`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <p class="meta">Closes the report as informative (the reporter is told) and downloads it as a Markdown ticket for the product team.</p>
          <button type="submit">Convert to a ticket</button>
        </form>
      ) : (
        <p><a href={`${props.base}/ticket.md`}>Download the Markdown ticket</a></p>
      )}
    </section>
  );
}

export function CreditDuplicatePanel(props: { view: CollabView; base: string; csrf: string }) {
  const dup = props.view.duplicate;
  if (!dup) return null;
  return (
    <section aria-labelledby="credit-dup-h">
      <h2 id="credit-dup-h">Credit</h2>
      <form method="post" action={`${props.base}/credit-duplicate`}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="credit" value={dup.creditWithOriginal ? 'no' : 'yes'} />
        <p class="meta">
          {dup.creditWithOriginal
            ? 'This reporter is credited on the thanks page with the original, as they chose.'
            : 'Only the original’s reporter is credited.'}
        </p>
        <button type="submit">{dup.creditWithOriginal ? 'Stop crediting this reporter' : 'Credit this reporter as well'}</button>
      </form>
    </section>
  );
}
