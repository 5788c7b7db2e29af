// The backtest form's state: text as typed, defaults from the settings and the stored coverage, and
// the conversion to backtest.run params. Validation uses the contract's own schemas, so a message at
// a field here is the message the core would give.
import type { Settings } from '../../../../shared/contract';
import {
  BacktestParamsSchema,
  type BacktestStrategyName,
  type BacktestParams,
} from '../../../../shared/contract/backtest';
import type { SeriesCoverage } from '../../../../shared/contract/market';
import { ModelConfigSchema } from '../../../../shared/contract/model';
import { intervalMs, type Interval } from '../../../../shared/domain';
import { feeFromPercentInput, feeToPercentInput, parseUtcInput, toUtcInput } from '../../format';

export interface BacktestFormValues {
  name: string;
  feed: string;
  symbols: string;
  interval: Interval;
  from: string;
  to: string;
  strategy: BacktestStrategyName;
  trainBars: string;
  testBars: string;
  purgeBars: string;
  expanding: boolean;
  feeRate: string;
  slippageBps: string;
  maxGross: string;
  maxWeight: string;
  leverage: string;
  killDrawdown: string;
  allowShort: boolean;
  lookback: string;
  patchLength: string;
  dModel: string;
  heads: string;
  layers: string;
  epochs: string;
}

export type FormField = keyof BacktestFormValues;
export type FieldErrors = Partial<Record<FormField, string>>;

/** Where each field lands in the params: how the core's error paths find their field. */
const PARAM_PATHS: Partial<Record<FormField, string>> = {
  name: 'name',
  feed: 'feed',
  symbols: 'symbols',
  interval: 'interval',
  from: 'from',
  to: 'to',
  strategy: 'strategy',
  trainBars: 'trainBars',
  testBars: 'testBars',
  purgeBars: 'purgeBars',
  feeRate: 'costs.feeRate',
  slippageBps: 'costs.slippageBps',
  maxGross: 'risk.maxGross',
  maxWeight: 'risk.maxWeight',
  leverage: 'risk.leverage',
  killDrawdown: 'risk.killDrawdown',
  lookback: 'model.config.lookback',
  patchLength: 'model.config.patchLength',
  dModel: 'model.config.dModel',
  heads: 'model.config.heads',
  layers: 'model.config.layers',
  epochs: 'model.config.training.epochs',
};

const NUMBER_FIELDS: FormField[] = [
  'trainBars',
  'testBars',
  'purgeBars',
  'feeRate',
  'slippageBps',
  'maxGross',
  'maxWeight',
  'leverage',
  'killDrawdown',
];
const MODEL_FIELDS: FormField[] = ['lookback', 'patchLength', 'dModel', 'heads', 'layers', 'epochs'];

/** The form field an error path of the core (e.g. 'symbols.2' or 'costs.feeRate') belongs to. */
export function fieldOfPath(path: string): FormField | null {
  let best: FormField | null = null;
  let bestLength = -1;
  for (const [field, prefix] of Object.entries(PARAM_PATHS) as [FormField, string][]) {
    if ((path === prefix || path.startsWith(`${prefix}.`)) && prefix.length > bestLength) {
      best = field;
      bestLength = prefix.length;
    }
  }
  return best;
}

/** The range every chosen symbol has stored: the latest first candle to the earliest last one. */
export function commonCoverage(
  stored: readonly SeriesCoverage[],
  feed: string,
  interval: string,
  symbols: readonly string[],
): { from: number; to: number; bars: number } | null {
  const series = symbols.map((s) =>
    stored.find((c) => c.feed === feed && c.interval === interval && c.symbol === s),
  );
  if (series.length === 0 || series.some((c) => !c || c.first === null || c.last === null)) return null;
  const from = Math.max(...series.map((c) => c!.first!));
  const to = Math.min(...series.map((c) => c!.last!));
  if (from > to) return null;
  return { from, to, bars: Math.floor((to - from) / intervalMs(interval as Interval)) + 1 };
}

const DAY_MS = 86_400_000;
/** The contract's cap on the fee (0.05 of notional), in the percent the form takes. */
const MAX_FEE_PERCENT = 5;

/** Walk-forward windows that fit the range: the core's 90/30-day defaults, shrunk to leave folds. */
export function defaultWindows(interval: Interval, bars: number): { trainBars: number; testBars: number } {
  const perDay = DAY_MS / intervalMs(interval);
  const train = Math.max(1, Math.round(90 * perDay));
  const test = Math.max(1, Math.round(30 * perDay));
  if (bars <= 0 || train + 2 * test <= bars) return { trainBars: train, testBars: test };
  return { trainBars: Math.max(2, Math.floor(bars * 0.4)), testBars: Math.max(1, Math.floor(bars * 0.15)) };
}

export function defaultFormValues(settings: Settings, stored: readonly SeriesCoverage[]): BacktestFormValues {
  const coverage = commonCoverage(stored, settings.feed, settings.interval, settings.symbols);
  const windows = defaultWindows(settings.interval, coverage?.bars ?? 0);
  return {
    name: '',
    feed: settings.feed,
    symbols: settings.symbols.join(', '),
    interval: settings.interval,
    from: coverage ? toUtcInput(coverage.from) : '',
    to: coverage ? toUtcInput(coverage.to) : '',
    strategy: 'linear-lead-lag',
    trainBars: String(windows.trainBars),
    testBars: String(windows.testBars),
    purgeBars: '1',
    expanding: false,
    // Typed in percent of notional, as in Settings: 0.055 (%), not 0.00055.
    feeRate: feeToPercentInput(settings.costs.feeRate),
    slippageBps: String(settings.costs.slippageBps),
    maxGross: String(settings.risk.maxGross),
    maxWeight: String(settings.risk.maxWeight),
    leverage: String(settings.risk.leverage),
    // In percent, as in Settings: 25 (%) of the peak, 100 = off.
    killDrawdown: String(Number((settings.risk.killDrawdown * 100).toPrecision(12))),
    allowShort: settings.risk.allowShort,
    // A small model: one is trained per fold, so the defaults favour minutes over depth.
    lookback: '48',
    patchLength: '8',
    dModel: '32',
    heads: '4',
    layers: '1',
    epochs: '8',
  };
}

export function parseSymbols(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
}

export type FormOutcome = { params: BacktestParams; errors: null } | { params: null; errors: FieldErrors };

/** The params of backtest.run, or the message of every field that is wrong. */
export function toRunParams(values: BacktestFormValues, stored: readonly SeriesCoverage[]): FormOutcome {
  const errors: FieldErrors = {};
  const numbers: Partial<Record<FormField, number>> = {};
  const fields = values.strategy === 'model' ? [...NUMBER_FIELDS, ...MODEL_FIELDS] : NUMBER_FIELDS;
  for (const field of fields) {
    const text = String(values[field]).trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) errors[field] = 'Enter a number';
    else numbers[field] = value;
  }
  const from = parseUtcInput(values.from);
  const to = parseUtcInput(values.to);
  if (from === null) errors.from = 'Enter a start time (UTC)';
  if (to === null) errors.to = 'Enter an end time (UTC)';

  const symbols = parseSymbols(values.symbols);
  const params = {
    feed: values.feed.trim(),
    symbols,
    interval: values.interval,
    from: from ?? 0,
    to: to ?? 0,
    strategy: values.strategy,
    ...(values.name.trim() ? { name: values.name.trim() } : {}),
    trainBars: numbers.trainBars,
    testBars: numbers.testBars,
    purgeBars: numbers.purgeBars,
    expanding: values.expanding,
    costs: {
      feeRate: numbers.feeRate === undefined ? undefined : feeFromPercentInput(numbers.feeRate),
      slippageBps: numbers.slippageBps,
    },
    risk: {
      maxGross: numbers.maxGross,
      maxWeight: numbers.maxWeight,
      leverage: numbers.leverage,
      killDrawdown:
        numbers.killDrawdown === undefined ? undefined : Number((numbers.killDrawdown / 100).toPrecision(12)),
      allowShort: values.allowShort,
    },
    ...(values.strategy === 'model' ? { model: { config: modelConfigOf(numbers) } } : {}),
  };
  if (numbers.feeRate !== undefined && !(numbers.feeRate >= 0 && numbers.feeRate <= MAX_FEE_PERCENT))
    errors.feeRate = `Enter a fee between 0 and ${MAX_FEE_PERCENT} % of notional`;
  const parsed = BacktestParamsSchema.safeParse(params);
  if (!parsed.success) addIssues(errors, parsed.error.issues, '');
  if (values.strategy === 'model') {
    const config = ModelConfigSchema.safeParse(modelConfigOf(numbers));
    if (!config.success) addIssues(errors, config.error.issues, 'model.config.');
  }
  if (from !== null && to !== null && from > to) errors.from = 'The start must not be after the end';

  // One fold needs its training window, the purge gap and two out-of-sample bars inside the range.
  const coverage = commonCoverage(stored, params.feed, params.interval, symbols);
  if (!errors.trainBars && from !== null && to !== null && from <= to) {
    const rangeBars = Math.floor((to - from) / intervalMs(params.interval)) + 1;
    const bars = coverage ? Math.min(rangeBars, coverage.bars) : rangeBars;
    const needed = (numbers.trainBars ?? 0) + (numbers.purgeBars ?? 0) + 2;
    if (needed > bars) {
      errors.trainBars = `Needs ${needed} bars (train + purge + 2); the range holds about ${bars}`;
    }
  }
  if (Object.keys(errors).length > 0) return { params: null, errors };
  return { params: params as BacktestParams, errors: null };
}

function modelConfigOf(n: Partial<Record<FormField, number>>) {
  return {
    lookback: n.lookback,
    patchLength: n.patchLength,
    dModel: n.dModel,
    heads: n.heads,
    layers: n.layers,
    training: { epochs: n.epochs },
  };
}

function addIssues(
  errors: FieldErrors,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: string,
): void {
  for (const issue of issues) {
    const field = fieldOfPath(prefix + issue.path.map(String).join('.'));
    if (field && !errors[field]) errors[field] = issue.message;
  }
}
