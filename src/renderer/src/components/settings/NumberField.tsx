// A number typed as text: what the user typed stays on screen (also '-0.1' or '1,5') so that the
// message at the field can say what is wrong with it; settings-draft.ts reads and checks it.
import type { ReactNode } from 'react';
import { FormField } from './FormField';

export function NumberField({
  fieldKey,
  label,
  value,
  unit,
  unitControl,
  hint,
  error,
  onChange,
}: {
  fieldKey: string;
  label: string;
  value: string;
  unit?: string;
  /** A control in the unit's place, e.g. a picker that re-expresses the value in another unit. */
  unitControl?: ReactNode;
  hint?: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <FormField fieldKey={fieldKey} label={label} error={error} {...(hint ? { hint } : {})}>
      {(control) => (
        <div className="form-field__row">
          <input
            {...control}
            type="text"
            inputMode="decimal"
            className="form-input form-input--number"
            value={value}
            onChange={(event) => onChange(event.target.value)}
          />
          {unitControl ?? (unit && <span className="form-field__unit">{unit}</span>)}
        </div>
      )}
    </FormField>
  );
}
