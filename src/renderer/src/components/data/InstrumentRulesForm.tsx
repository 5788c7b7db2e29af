// Lot rules of an imported feed's symbol, as the user gives them (market.setInstruments): backtests and
// paper trading on that feed then size orders in these steps, and the run says the rules were the
// user's. Without them, rules are derived from the price (and the run says that too).
import { useState, type FormEvent } from 'react';
import type { InstrumentRules } from '../../../../shared/domain';
import { CoreError } from '../../../../shared/errors';
import { useCoreConnection } from '../../api/CoreProvider';
import { issuesByField } from '../../api/settings';
import { FormField, FormSection } from '../settings/FormField';
import { feedProblem, symbolProblem } from './series-fields';
import { FeedField } from './SeriesFields';

const NUMBER_FIELDS = [
  { key: 'tickSize', label: 'Tick size (USDT)', placeholder: '0.1' },
  { key: 'qtyStep', label: 'Quantity step (base coin)', placeholder: '0.001' },
  { key: 'minOrderQty', label: 'Minimum quantity (base coin)', placeholder: '0.001' },
  { key: 'minNotionalValue', label: 'Minimum notional (USDT)', placeholder: '5' },
] as const;
type NumberKey = (typeof NUMBER_FIELDS)[number]['key'];

export function InstrumentRulesForm() {
  const { client } = useCoreConnection();
  const [feed, setFeed] = useState('csv');
  const [symbol, setSymbol] = useState('');
  const [numbers, setNumbers] = useState<Record<NumberKey, string>>({
    tickSize: '',
    qtyStep: '',
    minOrderQty: '',
    minNotionalValue: '',
  });
  const [saved, setSaved] = useState<InstrumentRules | null>(null);
  const [failure, setFailure] = useState<CoreError | null>(null);

  const cleanSymbol = symbol.trim().toUpperCase();
  const errors: Record<string, string | undefined> = failure ? issuesByField(failure) : {};
  const feedError = feedProblem(feed.trim());
  if (feedError) errors.feed = feedError;
  if (cleanSymbol !== '') {
    const problem = symbolProblem(cleanSymbol);
    if (problem) errors.symbol = problem;
  }
  const parsed = Object.fromEntries(
    NUMBER_FIELDS.map(({ key }) => [key, numbers[key].trim() === '' ? undefined : Number(numbers[key])]),
  ) as Record<NumberKey, number | undefined>;
  for (const { key } of NUMBER_FIELDS) {
    const value = parsed[key];
    const required = key !== 'minNotionalValue';
    if (value === undefined ? false : !(Number.isFinite(value) && (required ? value > 0 : value >= 0)))
      errors[`rules.0.${key}`] = required ? 'a positive number' : 'a number, 0 or more';
  }
  const ready =
    !feedError &&
    cleanSymbol !== '' &&
    !errors.symbol &&
    parsed.tickSize !== undefined &&
    parsed.qtyStep !== undefined &&
    parsed.minOrderQty !== undefined &&
    NUMBER_FIELDS.every(({ key }) => !errors[`rules.0.${key}`]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    setFailure(null);
    try {
      const rules = await client.call('market.setInstruments', {
        feed: feed.trim(),
        rules: [
          {
            symbol: cleanSymbol,
            tickSize: parsed.tickSize!,
            qtyStep: parsed.qtyStep!,
            minOrderQty: parsed.minOrderQty!,
            ...(parsed.minNotionalValue === undefined ? {} : { minNotionalValue: parsed.minNotionalValue }),
          },
        ],
      });
      setSaved(rules.find((r) => r.symbol === cleanSymbol) ?? null);
    } catch (error) {
      setSaved(null);
      setFailure(error instanceof CoreError ? error : new CoreError('INTERNAL', String(error)));
    }
  };

  return (
    <form className="data-form" onSubmit={submit} noValidate data-testid="instrument-rules-form">
      <FormSection title="Lot rules of an imported feed">
        <FeedField
          form="rules"
          label="Feed"
          testId="rules-feed"
          error={errors.feed}
          value={feed}
          onChange={setFeed}
        />
        <FormField fieldKey="rules.symbol" label="Symbol" error={errors.symbol ?? errors['rules.0.symbol']}>
          {(control) => (
            <input
              {...control}
              type="text"
              spellCheck={false}
              placeholder="BTCUSDT"
              data-testid="rules-symbol"
              value={symbol}
              onChange={(e) => setSymbol(e.target.value)}
            />
          )}
        </FormField>
        {NUMBER_FIELDS.map(({ key, label, placeholder }) => (
          <FormField key={key} fieldKey={`rules.${key}`} label={label} error={errors[`rules.0.${key}`]}>
            {(control) => (
              <input
                {...control}
                type="text"
                inputMode="decimal"
                placeholder={placeholder}
                data-testid={`rules-${key}`}
                value={numbers[key]}
                onChange={(e) => setNumbers((n) => ({ ...n, [key]: e.target.value }))}
              />
            )}
          </FormField>
        ))}
        <div className="form-actions form-field--wide">
          <button
            type="submit"
            className="form-button form-button--primary"
            disabled={!ready}
            data-testid="rules-save"
          >
            Save rules
          </button>
        </div>
        {saved && (
          <div className="data-result is-good form-field--wide" data-testid="rules-saved">
            Saved for {saved.symbol} on feed &apos;{feed.trim()}&apos;: quantity step {saved.qtyStep}, minimum{' '}
            {saved.minOrderQty}, tick {saved.tickSize} USDT. Backtests and paper trading on this feed use
            them.
          </div>
        )}
        {failure && !Object.keys(issuesByField(failure)).length && (
          <div className="data-result is-bad form-field--wide" role="alert" data-testid="rules-error">
            {failure.message}
          </div>
        )}
      </FormSection>
    </form>
  );
}
