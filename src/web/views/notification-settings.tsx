import type { TeamNoticeKind } from '../../db/team-notice-tables.ts';
import { NOTICE_LABELS, PREFERENCE_COLUMN, type PreferenceForm } from '../../team-notices/preferences.ts';
import { FieldError } from './layout.tsx';

const KINDS = Object.keys(PREFERENCE_COLUMN) as TeamNoticeKind[];
const CHOICES = [
  ['immediate', 'Mail me at once'],
  ['digest', 'In the daily digest'],
  ['never', 'Never'],
] as const;

/** The form's values from saved preferences (or from what was typed, after an error). */
export type NotificationFormValues = PreferenceForm;

/**
 * The account page's section where a staff member chooses how they hear of new
 * work (src/team-notices/): per kind at once, in the daily digest, or never;
 * and when the digest comes. A plain form (no script), CSRF-protected.
 */
export function NotificationSettings(props: { csrf: string; values: NotificationFormValues; errors: Record<string, string>; timeZones: readonly string[] }) {
  const { values, errors } = props;
  const field = (name: string) => (errors[name] ? 'field invalid' : 'field');
  return (
    <section id="notifications" aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notifications of new work</h2>
      <p class="hint">
        For the programs where you work on reports. Mails name reports by reference and link to them; the contents stay behind the sign-in.
        Quarantined reports are never mailed one by one.
      </p>
      <form method="post" action="/staff/account/notifications" class="narrow">
        <input type="hidden" name="_csrf" value={props.csrf} />
        {KINDS.map((kind) => (
          <div class={field(kind)} key={kind}>
            <label for={`notice-${kind}`}>{NOTICE_LABELS[kind]}</label>
            <FieldError id={`notice-${kind}`} message={errors[kind]} />
            <select id={`notice-${kind}`} name={kind}>
              {CHOICES.map(([value, label]) => (
                <option key={value} value={value} selected={values[kind] === value}>{label}</option>
              ))}
            </select>
          </div>
        ))}
        <div class={field('quarantined')}>
          <label for="notice-quarantined">{NOTICE_LABELS.quarantined}</label>
          <FieldError id="notice-quarantined" message={errors.quarantined} />
          <select id="notice-quarantined" name="quarantined">
            {CHOICES.filter(([value]) => value !== 'immediate').map(([value, label]) => (
              <option key={value} value={value} selected={values.quarantined === value}>{label}</option>
            ))}
          </select>
        </div>
        <div class={field('digestHour')}>
          <label for="digestHour">Daily digest from</label>
          <p class="hint" id="digestHour-hint">
            The hour in the program's time zone{props.timeZones.length ? ` (${props.timeZones.join(', ')})` : ''}. Nothing is sent on a day with nothing new.
          </p>
          <FieldError id="digestHour" message={errors.digestHour} />
          <select id="digestHour" name="digestHour" aria-describedby="digestHour-hint">
            {Array.from({ length: 24 }, (_, h) => (
              <option key={h} value={String(h)} selected={values.digestHour === String(h)}>{`${String(h).padStart(2, '0')}:00`}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label>
            <input type="checkbox" name="workingDaysOnly" value="yes" checked={values.workingDaysOnly === 'yes'} /> Only on the program's working days
          </label>
        </div>
        <button type="submit">Save notifications</button>
      </form>
    </section>
  );
}
