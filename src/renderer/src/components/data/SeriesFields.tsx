// The fields that name a stored series, alike in the backfill and the import form: the feed (with
// the known feeds offered) and the bar interval.
import { INTERVALS, type Interval } from '../../../../shared/domain';
import { formatInterval } from '../../format';
import { FormField } from '../settings/FormField';

interface SeriesFieldProps<T> {
  /** The form's prefix of the field key: 'backfill' gives 'backfill.feed'. */
  form: string;
  error: string | undefined;
  value: T;
  onChange: (value: T) => void;
  testId?: string;
}

export function FeedField({
  form,
  label,
  error,
  value,
  onChange,
  testId,
}: SeriesFieldProps<string> & { label: string }) {
  return (
    <FormField fieldKey={`${form}.feed`} label={label} error={error}>
      {(control) => (
        <input
          {...control}
          type="text"
          list="data-known-feeds"
          spellCheck={false}
          data-testid={testId}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </FormField>
  );
}

export function IntervalField({ form, error, value, onChange, testId }: SeriesFieldProps<Interval>) {
  return (
    <FormField fieldKey={`${form}.interval`} label="Interval" error={error}>
      {(control) => (
        <select
          {...control}
          data-testid={testId}
          value={value}
          onChange={(event) => onChange(event.target.value as Interval)}
        >
          {INTERVALS.map((code) => (
            <option key={code} value={code}>
              {formatInterval(code)}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}
