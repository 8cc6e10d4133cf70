import { AI_ASSISTANCE_CHOICES } from '../../domain/report-input.ts';
import { FieldError } from './layout.tsx';

/** The report form's optional declaration of AI assistance; unanswered is a valid answer. */
export function AiAssistanceField(props: { value: string | undefined; error: string | undefined }) {
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for="aiAssistance">
        I used AI tools to find or write this report <span class="optional">(optional)</span>
      </label>
      <p class="hint" id="aiAssistance-hint">Either answer is fine: it helps us read the report the right way.</p>
      <FieldError id="aiAssistance" message={props.error} />
      <select id="aiAssistance" name="aiAssistance" aria-describedby="aiAssistance-hint">
        <option value="" selected={!props.value}>Prefer not to say</option>
        {AI_ASSISTANCE_CHOICES.map(([id, label]) => (
          <option key={id} value={id} selected={props.value === id}>{label}</option>
        ))}
      </select>
    </div>
  );
}
