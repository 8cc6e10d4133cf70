import { AI_ASSISTANCE_CHOICES } from '../../domain/report-input.ts';
import type { Translator } from '../../i18n/translator.ts';
import { FieldError } from './layout.tsx';

/** The report form's optional declaration of AI assistance; unanswered is a valid answer. */
export function AiAssistanceField(props: { value: string | undefined; error: string | undefined; t: Translator }) {
  const { t } = props.t;
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for="aiAssistance">
        {t('form.ai.label')} <span class="optional">{t('form.optional')}</span>
      </label>
      <p class="hint" id="aiAssistance-hint">{t('form.ai.hint')}</p>
      <FieldError id="aiAssistance" message={props.error} />
      <select id="aiAssistance" name="aiAssistance" aria-describedby="aiAssistance-hint">
        <option value="" selected={!props.value}>{t('form.ai.unsaid')}</option>
        {AI_ASSISTANCE_CHOICES.map(([id]) => (
          <option key={id} value={id} selected={props.value === id}>{t(`form.ai.${id}`)}</option>
        ))}
      </select>
    </div>
  );
}
