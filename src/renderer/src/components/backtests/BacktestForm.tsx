// The new-backtest form: data and range (prefilled from the settings and the stored coverage), the
// strategy, walk-forward windows, costs, risk, and for the model a compact configuration. Wrong values
// are named at their field, whether the form or the core found them.
import { useEffect, useState, type FormEvent } from 'react';
import { useStoredState } from '../../api/drafts';
import type { Settings } from '../../../../shared/contract';
import { BASELINE_NAMES, type BacktestStrategyName } from '../../../../shared/contract/backtest';
import type { SeriesCoverage } from '../../../../shared/contract/market';
import { FeedSchema, INTERVALS, type Interval } from '../../../../shared/domain';
import { CoreError } from '../../../../shared/errors';
import { fieldErrorsOf, type BacktestRunParams } from '../../api/backtests';
import { useCall } from '../../api/hooks';
import { formatCount, formatDateTime, formatInterval, toUtcInput } from '../../format';
import { Field, NumberInput } from './FormField';
import {
  commonCoverage,
  defaultFormValues,
  fieldOfPath,
  parseSymbols,
  toRunParams,
  type BacktestFormValues,
  type FieldErrors,
  type FormField,
} from './form-model';

export const STRATEGY_LABELS: Record<BacktestStrategyName, string> = {
  model: 'Attention model (trained per fold)',
  'linear-lead-lag': 'Linear lead-lag',
  'equal-weight-rebalanced': 'Equal weight, rebalanced',
  'equal-weight-buy-and-hold': 'Equal weight, buy and hold',
  'btc-only': 'BTC only',
  'cross-sectional-momentum': 'Cross-sectional momentum',
};
const COVERAGE_POLL_MS = 5_000;
const STRATEGIES: BacktestStrategyName[] = ['model', 'linear-lead-lag', ...BASELINE_NAMES];

export interface BacktestFormProps {
  settings: Settings;
  stored: readonly SeriesCoverage[];
  running: boolean;
  onRun: (params: BacktestRunParams) => Promise<void>;
}

export function BacktestForm({ settings, stored: initialStored, running, onRun }: BacktestFormProps) {
  // What was typed survives a change of view and a reload.
  const [values, setValues] = useStoredState<BacktestFormValues>('draft.backtest', () =>
    defaultFormValues(settings, initialStored),
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  // Coverage of the feed typed in the form (it may differ from the settings' feed).
  const feedValid = FeedSchema.safeParse(values.feed.trim()).success;
  const coverageCall = useCall('market.symbols', feedValid ? { feed: values.feed.trim() } : null);
  const stored = coverageCall.data?.stored ?? initialStored;
  // A stream keeps adding bars: the coverage shown stays current without a click.
  const reloadCoverage = coverageCall.reload;
  useEffect(() => {
    const timer = setInterval(reloadCoverage, COVERAGE_POLL_MS);
    return () => clearInterval(timer);
  }, [reloadCoverage]);
  const coverage = commonCoverage(stored, values.feed.trim(), values.interval, parseSymbols(values.symbols));

  const set = <F extends FormField>(field: F, value: BacktestFormValues[F]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };
  const text = (field: FormField) => (value: string) => set(field, value as never);

  const applyStoredRange = () => {
    if (!coverage) return;
    setValues((v) => ({ ...v, from: toUtcInput(coverage.from), to: toUtcInput(coverage.to) }));
    setErrors((e) => ({ ...e, from: undefined, to: undefined }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const outcome = toRunParams(values, stored);
    if (outcome.errors) {
      setErrors(outcome.errors);
      return;
    }
    setErrors({});
    onRun(outcome.params).catch((err: unknown) => {
      if (!(err instanceof CoreError) || err.code === 'CANCELLED') return;
      const atFields: FieldErrors = {};
      for (const [path, message] of Object.entries(fieldErrorsOf(err))) {
        const field = fieldOfPath(path);
        if (field) atFields[field] = message;
      }
      if (Object.keys(atFields).length > 0) setErrors(atFields);
      else setFormError(err.message);
    });
  };

  const number = (field: FormField, label: string, hint?: string) => (
    <Field name={field} label={label} error={errors[field]} hint={hint}>
      <NumberInput
        name={field}
        value={String(values[field])}
        onChange={text(field)}
        invalid={Boolean(errors[field])}
      />
    </Field>
  );

  return (
    <form className="bt-form" data-testid="backtest-form" onSubmit={submit} noValidate>
      <div className="panel-title">New backtest</div>
      <fieldset className="bt-form__group">
        <legend>Data</legend>
        <Field name="name" label="Name" error={errors.name} wide>
          <input
            className="bt-input"
            name="name"
            placeholder="strategy, symbols and interval"
            value={values.name}
            onChange={(e) => set('name', e.target.value)}
          />
        </Field>
        <Field name="feed" label="Feed" error={errors.feed}>
          <input
            className="bt-input"
            name="feed"
            value={values.feed}
            onChange={(e) => set('feed', e.target.value)}
          />
        </Field>
        <Field name="interval" label="Interval" error={errors.interval}>
          <select
            className="bt-input"
            name="interval"
            value={values.interval}
            onChange={(e) => set('interval', e.target.value as Interval)}
          >
            {INTERVALS.map((i) => (
              <option key={i} value={i}>
                {formatInterval(i)}
              </option>
            ))}
          </select>
        </Field>
        <Field name="symbols" label="Symbols" error={errors.symbols} wide>
          <input
            className="bt-input"
            name="symbols"
            value={values.symbols}
            onChange={(e) => set('symbols', e.target.value)}
          />
        </Field>
        <Field name="from" label="From (UTC)" error={errors.from}>
          <input
            className="bt-input"
            type="text"
            placeholder="YYYY-MM-DD HH:mm"
            spellCheck={false}
            name="from"
            value={values.from}
            onChange={(e) => set('from', e.target.value)}
          />
        </Field>
        <Field name="to" label="To (UTC)" error={errors.to}>
          <input
            className="bt-input"
            type="text"
            placeholder="YYYY-MM-DD HH:mm"
            spellCheck={false}
            name="to"
            value={values.to}
            onChange={(e) => set('to', e.target.value)}
          />
        </Field>
        <div className="bt-form__coverage" data-testid="backtest-coverage">
          {coverage
            ? `Stored: ${formatCount(coverage.bars)} bars, ${formatDateTime(coverage.from)} → ${formatDateTime(coverage.to)}`
            : 'No stored candles common to these symbols; backfill them in Data.'}
          <button type="button" className="bt-link" onClick={applyStoredRange}>
            Use stored range
          </button>
        </div>
      </fieldset>

      <fieldset className="bt-form__group">
        <legend>Strategy</legend>
        <Field name="strategy" label="Strategy" error={errors.strategy} wide>
          <select
            className="bt-input"
            name="strategy"
            value={values.strategy}
            onChange={(e) => set('strategy', e.target.value as BacktestStrategyName)}
          >
            {STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {STRATEGY_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
        {values.strategy === 'model' && (
          <div className="bt-form__model" data-testid="backtest-model-config">
            {number('lookback', 'Lookback')}
            {number('patchLength', 'Patch length')}
            {number('dModel', 'd_model')}
            {number('heads', 'Heads')}
            {number('layers', 'Layers')}
            {number('epochs', 'Epochs')}
          </div>
        )}
      </fieldset>

      <fieldset className="bt-form__group">
        <legend>Walk-forward (bars)</legend>
        {number('trainBars', 'Train')}
        {number('testBars', 'Test')}
        {number('purgeBars', 'Purge')}
        <label className="bt-check">
          <input
            type="checkbox"
            name="expanding"
            checked={values.expanding}
            onChange={(e) => set('expanding', e.target.checked)}
          />
          Expanding window
        </label>
      </fieldset>

      <fieldset className="bt-form__group">
        <legend>Costs and risk</legend>
        {number('feeRate', 'Fee (%)', '% of notional, as in Settings')}
        {number('slippageBps', 'Slippage (bps)')}
        {number('maxGross', 'Max gross')}
        {number('maxWeight', 'Max weight')}
        {number('leverage', 'Leverage')}
        {number('killDrawdown', 'Kill drawdown (%)', '100 = off, as in Settings')}
        <label className="bt-check">
          <input
            type="checkbox"
            name="allowShort"
            checked={values.allowShort}
            onChange={(e) => set('allowShort', e.target.checked)}
          />
          Allow short
        </label>
      </fieldset>

      {formError && (
        <div className="bt-form__error" role="alert" data-testid="backtest-form-error">
          {formError}
        </div>
      )}
      <div className="bt-form__actions">
        <button type="submit" className="bt-button bt-button--primary" disabled={running}>
          {running ? 'Running…' : 'Run backtest'}
        </button>
      </div>
    </form>
  );
}
