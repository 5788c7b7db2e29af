// One labelled input of the backtest form with its message underneath when the value is wrong.
import type { ReactNode } from 'react';

export interface FieldProps {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
  wide?: boolean;
}

export function Field({ name, label, error, hint, children, wide }: FieldProps) {
  return (
    <label className={`bt-field${wide ? ' bt-field--wide' : ''}${error ? ' has-error' : ''}`}>
      <span className="bt-field__label">{label}</span>
      {children}
      {error ? (
        <span className="bt-field__error" role="alert" data-testid={`field-error-${name}`}>
          {error}
        </span>
      ) : (
        hint && <span className="bt-field__hint">{hint}</span>
      )}
    </label>
  );
}

export interface NumberInputProps {
  name: string;
  value: string;
  onChange: (value: string) => void;
  invalid?: boolean;
  disabled?: boolean;
}

/** Text, not type=number: the browser must not swallow what was typed before we can name the problem. */
export function NumberInput({ name, value, onChange, invalid, disabled }: NumberInputProps) {
  return (
    <input
      className="bt-input bt-input--number"
      name={name}
      inputMode="decimal"
      value={value}
      aria-invalid={invalid || undefined}
      disabled={disabled}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
