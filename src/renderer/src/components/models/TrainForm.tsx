// The training form: which candles (feed, interval, symbols, range) and which model (the important
// fields of the contract's ModelConfig, prefilled with its defaults). The range follows the stored
// coverage until the user types one, so a stream that keeps storing bars keeps the default current.
import { useEffect, useMemo, useState } from 'react';
import { useStoredState } from '../../api/drafts';
import type { Settings } from '../../../../shared/contract';
import { INTERVALS } from '../../../../shared/domain';
import { useCoreConnection } from '../../api/CoreProvider';
import { useCall } from '../../api/hooks';
import { startTraining, type TrainingSession } from '../../api/models';
import { formatCount, formatInterval, toUtcInput } from '../../format';
import {
  ARCHITECTURE_FIELDS,
  TRAINING_FIELDS,
  buildParams,
  defaultValues,
  errorsFromIssues,
  issuesOf,
  storedRange,
  type FieldErrors,
  type FieldKey,
  type FormValues,
  type NumberField,
  type Portfolio,
} from './train-form-values';

/** The stream stores a bar a second in demo mode; the default range should keep up without a click. */
const COVERAGE_POLL_MS = 5_000;

export function TrainForm({ settings, session }: { settings: Settings; session: TrainingSession | null }) {
  const { client } = useCoreConnection();
  // What was typed survives a change of view and a reload.
  const [values, setValues] = useStoredState<FormValues>('draft.train', () => defaultValues(settings));
  const [errors, setErrors] = useState<FieldErrors>({});
  const coverage = useCall('market.symbols', { feed: values.feed.trim() || settings.feed });
  const running = session?.state === 'running';

  const { reload } = coverage;
  useEffect(() => {
    if (running) return;
    const timer = setInterval(reload, COVERAGE_POLL_MS);
    return () => clearInterval(timer);
  }, [reload, running]);

  // The core's verdict on the last submit: each issue at its field.
  const failure = session?.state === 'failed' ? session.error : null;
  useEffect(() => {
    if (failure?.code === 'INVALID_PARAMS') setErrors(errorsFromIssues(issuesOf(failure.details)).fields);
  }, [failure]);

  const stored = useMemo(() => coverage.data?.stored ?? [], [coverage.data]);
  const range = useMemo(
    () => storedRange(stored, values.symbols, values.interval),
    [stored, values.symbols, values.interval],
  );
  const available = useMemo(() => {
    const ofInterval = stored.filter((s) => s.interval === values.interval).map((s) => s.symbol);
    return [...new Set([...settings.symbols, ...ofInterval, ...values.symbols])];
  }, [stored, settings.symbols, values.interval, values.symbols]);

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const toggleSymbol = (symbol: string) =>
    set(
      'symbols',
      values.symbols.includes(symbol)
        ? values.symbols.filter((s) => s !== symbol)
        : [...values.symbols, symbol],
    );

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (running) return;
    const built = buildParams(values, range);
    setErrors(built.errors ?? {});
    if (built.params) void startTraining(client, built.params);
  };

  return (
    <form className="train-form" onSubmit={submit} noValidate aria-label="Train a model">
      <div className="panel-title">Train a model</div>
      <fieldset className="train-form__group" disabled={running}>
        <legend>Candles</legend>
        <div className="train-form__grid">
          <Field label="Feed" error={errors.feed} name="feed">
            <input id="train-feed" value={values.feed} onChange={(e) => set('feed', e.target.value)} />
          </Field>
          <Field label="Interval" error={errors.interval} name="interval">
            <select
              id="train-interval"
              value={values.interval}
              onChange={(e) => set('interval', e.target.value as FormValues['interval'])}
            >
              {INTERVALS.map((interval) => (
                <option key={interval} value={interval}>
                  {formatInterval(interval)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="train-form__field" data-field="symbols">
          <span className="train-form__label">Symbols</span>
          <div className="train-form__symbols" role="group" aria-label="Symbols">
            {available.map((symbol) => (
              <label key={symbol} className="train-form__symbol">
                <input
                  type="checkbox"
                  checked={values.symbols.includes(symbol)}
                  onChange={() => toggleSymbol(symbol)}
                />
                {symbol}
              </label>
            ))}
          </div>
          {errors.symbols && <FieldError text={errors.symbols} />}
        </div>
        <div className="train-form__grid">
          <RangeInput
            label="From (UTC)"
            name="from"
            value={values.from}
            auto={range.from}
            error={errors.from}
            onChange={(v) => set('from', v)}
          />
          <RangeInput
            label="To (UTC)"
            name="to"
            value={values.to}
            auto={range.to}
            error={errors.to}
            onChange={(v) => set('to', v)}
          />
        </div>
        <div
          className="train-form__coverage"
          data-testid="train-coverage"
          data-common-bars={range.bars}
          aria-live="polite"
        >
          {coverageText(range, coverage.error?.message)}
          {(values.from !== null || values.to !== null) && (
            <button
              type="button"
              className="link-button"
              onClick={() => setValues((v) => ({ ...v, from: null, to: null }))}
            >
              use stored range
            </button>
          )}
        </div>
      </fieldset>

      <fieldset className="train-form__group" disabled={running}>
        <legend>Model</legend>
        <div className="train-form__grid">
          {ARCHITECTURE_FIELDS.map((field) => (
            <NumberInput key={field.key} field={field} values={values} errors={errors} onChange={set} />
          ))}
          <Field label="Portfolio" error={errors.portfolio} name="portfolio">
            <select
              id="train-portfolio"
              value={values.portfolio}
              onChange={(e) => set('portfolio', e.target.value as Portfolio)}
            >
              <option value="long-only" title="softmax weights, no shorts">
                long-only
              </option>
              <option value="long-short" title="tanh weights, shorts allowed">
                long-short
              </option>
            </select>
          </Field>
        </div>
      </fieldset>

      <fieldset className="train-form__group" disabled={running}>
        <legend>Training</legend>
        <div className="train-form__grid">
          {TRAINING_FIELDS.map((field) => (
            <NumberInput key={field.key} field={field} values={values} errors={errors} onChange={set} />
          ))}
          <Field label="Name" error={errors.name} name="name" hint="optional">
            <input
              id="train-name"
              value={values.name}
              placeholder="symbols + interval"
              onChange={(e) => set('name', e.target.value)}
            />
          </Field>
        </div>
      </fieldset>

      <div className="train-form__actions">
        <button type="submit" className="button button--primary" disabled={running}>
          {running ? 'Training…' : 'Train'}
        </button>
        <button
          type="button"
          className="button"
          disabled={running}
          onClick={() => {
            setValues(defaultValues(settings));
            setErrors({});
          }}
        >
          Defaults
        </button>
      </div>
    </form>
  );
}

function coverageText(range: ReturnType<typeof storedRange>, error: string | undefined): string {
  if (error) return `Cannot read the stored coverage: ${error}`;
  if (range.missing.length > 0)
    return `No stored candles for ${range.missing.join(', ')}: backfill them first.`;
  if (range.bars === 0) return 'No stored candles yet.';
  const gaps = range.gaps > 0 ? `, ${range.gaps} missing bars (training needs none)` : '';
  return `${formatCount(range.bars)} bars stored in common${gaps}. `;
}

function Field({
  label,
  name,
  error,
  hint,
  children,
}: {
  label: string;
  name: FieldKey;
  error: string | undefined;
  hint?: string;
  children: React.ReactNode;
}) {
  return (
    <div className={`train-form__field${error ? ' has-error' : ''}`} data-field={name}>
      <label className="train-form__label" htmlFor={`train-${name}`}>
        {label}
        {hint && <span className="train-form__hint"> {hint}</span>}
      </label>
      {children}
      {error && <FieldError text={error} />}
    </div>
  );
}

function FieldError({ text }: { text: string }) {
  return (
    <span className="train-form__error" role="alert">
      {text}
    </span>
  );
}

function NumberInput({
  field,
  values,
  errors,
  onChange,
}: {
  field: NumberField;
  values: FormValues;
  errors: FieldErrors;
  onChange: (key: NumberField['key'], value: string) => void;
}) {
  return (
    <Field label={field.label} name={field.key} error={errors[field.key]} hint={field.hint}>
      <input
        id={`train-${field.key}`}
        type="number"
        inputMode="decimal"
        step={field.step ?? '1'}
        value={values[field.key]}
        onChange={(e) => onChange(field.key, e.target.value)}
      />
    </Field>
  );
}

function RangeInput({
  label,
  name,
  value,
  auto,
  error,
  onChange,
}: {
  label: string;
  name: 'from' | 'to';
  value: string | null;
  auto: number | null;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} name={name} error={error}>
      <input
        id={`train-${name}`}
        value={value ?? (auto === null ? '' : toUtcInput(auto))}
        placeholder="YYYY-MM-DD HH:mm"
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}
