// One labelled form control with its message: an invalid field gets aria-invalid="true" and a
// message element `field-error-<key>` (key: the settings path, e.g. 'costs.feeRate') tied to the
// control by aria-describedby, so screen readers and tests find the message at the field.
import type { ReactNode } from 'react';
import './form.css';

export interface ControlProps {
  id: string;
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}

export function FormField({
  fieldKey,
  label,
  error,
  hint,
  wide = false,
  controlId,
  children,
}: {
  /** The field's path; it names the control's id and the message's data-testid. */
  fieldKey: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  wide?: boolean;
  /** When two controls share a key (a select and its 'custom' text box), the second one's id. */
  controlId?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = controlId ?? `field-${fieldKey.replace(/\./g, '-')}`;
  const messageId = `${id}-message`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? messageId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`form-field${wide ? ' form-field--wide' : ''}${error ? ' is-invalid' : ''}`}>
      <label className="form-field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy })}
      {hint && !error && (
        <span id={hintId} className="form-field__hint">
          {hint}
        </span>
      )}
      {error && (
        <span
          id={messageId}
          className="form-field__error"
          role="alert"
          data-testid={`field-error-${fieldKey}`}
        >
          {error}
        </span>
      )}
    </div>
  );
}

/** A group of fields under a small heading. */
export function FormSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="form-section">
      <legend className="form-section__title">{title}</legend>
      <div className="form-section__fields">{children}</div>
    </fieldset>
  );
}
