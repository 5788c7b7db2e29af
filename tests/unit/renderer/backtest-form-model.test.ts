// The backtest form's model: defaults from the settings and the stored coverage, the conversion of
// typed text to backtest.run params, and where each message lands.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/contract';
import type { SeriesCoverage } from '../../../src/shared/contract/market';
import {
  commonCoverage,
  defaultFormValues,
  defaultWindows,
  fieldOfPath,
  parseSymbols,
  toRunParams,
  type BacktestFormValues,
} from '../../../src/renderer/src/components/backtests/form-model';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const SETTINGS: Settings = { ...DEFAULT_SETTINGS, feed: 'simulator', symbols: ['BTCUSDT', 'ETHUSDT'] };

function series(symbol: string, first: number | null, last: number | null): SeriesCoverage {
  const count = first === null || last === null ? 0 : (last - first) / HOUR + 1;
  return { feed: 'simulator', symbol, interval: '60', count, first, last, gaps: 0 };
}

/** BTC from bar 0 to 999, ETH from bar 100 to 1,099: 900 hourly bars in common. */
const STORED = [series('BTCUSDT', T0, T0 + 999 * HOUR), series('ETHUSDT', T0 + 100 * HOUR, T0 + 1099 * HOUR)];

function form(patch: Partial<BacktestFormValues> = {}): BacktestFormValues {
  return { ...defaultFormValues(SETTINGS, STORED), ...patch };
}

describe('backtest form defaults', () => {
  it('takes the range every chosen symbol has stored: the latest first bar to the earliest last', () => {
    expect(commonCoverage(STORED, 'simulator', '60', ['BTCUSDT', 'ETHUSDT'])).toEqual({
      from: T0 + 100 * HOUR,
      to: T0 + 999 * HOUR,
      bars: 900,
    });
    expect(commonCoverage(STORED, 'simulator', '60', ['BTCUSDT'])?.bars).toBe(1000);
  });

  it('has no common range when a symbol is missing, empty, or the ranges do not meet', () => {
    expect(commonCoverage(STORED, 'simulator', '60', ['BTCUSDT', 'SOLUSDT'])).toBeNull();
    expect(commonCoverage(STORED, 'bybit', '60', ['BTCUSDT'])).toBeNull();
    expect(commonCoverage(STORED, 'simulator', '60', [])).toBeNull();
    expect(commonCoverage([series('BTCUSDT', null, null)], 'simulator', '60', ['BTCUSDT'])).toBeNull();
    const apart = [series('BTCUSDT', T0, T0 + 10 * HOUR), series('ETHUSDT', T0 + 20 * HOUR, T0 + 30 * HOUR)];
    expect(commonCoverage(apart, 'simulator', '60', ['BTCUSDT', 'ETHUSDT'])).toBeNull();
  });

  it('uses the 90/30-day windows when they leave folds, and shrinks them to the range otherwise', () => {
    expect(defaultWindows('60', 10_000)).toEqual({ trainBars: 2160, testBars: 720 });
    expect(defaultWindows('D', 500)).toEqual({ trainBars: 90, testBars: 30 });
    expect(defaultWindows('60', 900)).toEqual({ trainBars: 360, testBars: 135 });
    // Nothing stored yet: the core's defaults.
    expect(defaultWindows('60', 0)).toEqual({ trainBars: 2160, testBars: 720 });
  });

  it('prefills the feed, symbols, costs and risk from the settings and the range from the store', () => {
    const values = defaultFormValues(SETTINGS, STORED);
    expect(values).toMatchObject({
      feed: 'simulator',
      symbols: 'BTCUSDT, ETHUSDT',
      interval: '60',
      from: '2024-01-05 04:00',
      to: '2024-02-11 15:00',
      trainBars: '360',
      testBars: '135',
      // In percent of notional, as Settings shows it.
      feeRate: String(SETTINGS.costs.feeRate * 100),
      leverage: String(SETTINGS.risk.leverage),
      allowShort: SETTINGS.risk.allowShort,
    });
    expect(defaultFormValues(SETTINGS, [])).toMatchObject({ from: '', to: '' });
  });

  it('reads symbols separated by commas or spaces, upper-cased', () => {
    expect(parseSymbols(' btcusdt, ethusdt  solusdt,,')).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    expect(parseSymbols('  ')).toEqual([]);
  });
});

describe('backtest form to backtest.run params', () => {
  it('turns the defaults into params the contract accepts', () => {
    const outcome = toRunParams(form({ name: '  lead-lag  ' }), STORED);
    expect(outcome.errors).toBeNull();
    expect(outcome.params).toMatchObject({
      feed: 'simulator',
      symbols: ['BTCUSDT', 'ETHUSDT'],
      interval: '60',
      from: T0 + 100 * HOUR,
      to: T0 + 999 * HOUR,
      strategy: 'linear-lead-lag',
      name: 'lead-lag',
      trainBars: 360,
      testBars: 135,
      purgeBars: 1,
      costs: { feeRate: SETTINGS.costs.feeRate, slippageBps: SETTINGS.costs.slippageBps },
      risk: { maxGross: SETTINGS.risk.maxGross, allowShort: SETTINGS.risk.allowShort },
    });
    expect(outcome.params).not.toHaveProperty('model');
  });

  it('takes the fee in percent of notional, as Settings does, and sends the contract a fraction', () => {
    const outcome = toRunParams(form({ feeRate: '0.1', killDrawdown: '25' }), STORED);
    expect(outcome.params?.costs?.feeRate).toBe(0.001);
    // The kill switch too is typed in percent, as in Settings.
    expect(outcome.params?.risk?.killDrawdown).toBe(0.25);
  });

  it('names text that is not a number, a missing time and a start after the end at their fields', () => {
    expect(toRunParams(form({ trainBars: 'many', slippageBps: '' }), STORED).errors).toMatchObject({
      trainBars: 'Enter a number',
      slippageBps: 'Enter a number',
    });
    expect(toRunParams(form({ from: '' }), STORED).errors).toMatchObject({
      from: 'Enter a start time (UTC)',
    });
    expect(toRunParams(form({ from: '2024-02-01T00:00', to: '2024-01-20T00:00' }), STORED).errors?.from).toBe(
      'The start must not be after the end',
    );
  });

  it('puts the contract’s own refusals at the field their path names', () => {
    const { errors } = toRunParams(form({ feeRate: '9', symbols: 'BTCUSDT, eth-usdt' }), STORED);
    expect(errors?.feeRate).toMatch(/between 0 and 5 %/);
    expect(errors?.symbols).toBeTruthy();
    expect(Object.keys(errors!).sort()).toEqual(['feeRate', 'symbols']);
  });

  it('refuses a training window the range cannot hold, counting train + purge + 2 bars', () => {
    expect(toRunParams(form({ trainBars: '897', purgeBars: '1' }), STORED).errors).toBeNull();
    expect(toRunParams(form({ trainBars: '897', purgeBars: '2' }), STORED).errors?.trainBars).toBe(
      'Needs 901 bars (train + purge + 2); the range holds about 900',
    );
  });

  it('sends the model settings only for the model strategy, and checks them there', () => {
    const model = toRunParams(form({ strategy: 'model', heads: '2', epochs: '3' }), STORED);
    expect(model.params?.model).toEqual({
      config: { lookback: 48, patchLength: 8, dModel: 32, heads: 2, layers: 1, training: { epochs: 3 } },
    });
    expect(toRunParams(form({ strategy: 'model', layers: '9' }), STORED).errors?.layers).toBeTruthy();
    expect(toRunParams(form({ strategy: 'model', lookback: 'x' }), STORED).errors?.lookback).toBe(
      'Enter a number',
    );
    // Another strategy ignores the model fields, whatever they hold.
    expect(toRunParams(form({ layers: '9', lookback: 'x' }), STORED).errors).toBeNull();
  });

  it('finds the field of a core error path, a list member at its list', () => {
    expect(fieldOfPath('symbols.2')).toBe('symbols');
    expect(fieldOfPath('costs.feeRate')).toBe('feeRate');
    expect(fieldOfPath('risk.killDrawdown')).toBe('killDrawdown');
    expect(fieldOfPath('model.config.training.epochs')).toBe('epochs');
    expect(fieldOfPath('model.config.heads')).toBe('heads');
    expect(fieldOfPath('costs')).toBeNull();
    expect(fieldOfPath('jobId')).toBeNull();
  });
});
