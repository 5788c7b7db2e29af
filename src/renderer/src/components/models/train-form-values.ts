// The training form's values as the user types them (strings), their defaults (the settings, the stored
// coverage, the contract's model defaults), and the translation to `model.train` params and back from
// the core's validation issues to the field that caused each one.
import { parseUtcInput } from '../../format';
import type { Settings } from '../../../../shared/contract';
import { ModelConfigSchema, type ModelConfigInput } from '../../../../shared/contract/model';
import { intervalMs, type Interval } from '../../../../shared/domain';
import type { SeriesCoverage } from '../../../../shared/contract/market';
import type { TrainParams } from '../../api/models';

export interface NumberField {
  key: NumberKey;
  label: string;
  /** Where the core reports a problem with it (a details.issues path). */
  path: string;
  hint?: string;
  step?: string;
}

export type NumberKey =
  | 'lookback'
  | 'patchLength'
  | 'horizon'
  | 'dModel'
  | 'heads'
  | 'layers'
  | 'maxLag'
  | 'epochs'
  | 'batchSize'
  | 'learningRate'
  | 'seed';

export type FieldKey = NumberKey | 'feed' | 'interval' | 'symbols' | 'from' | 'to' | 'portfolio' | 'name';

export const ARCHITECTURE_FIELDS: readonly NumberField[] = [
  { key: 'lookback', label: 'Lookback', path: 'config.lookback', hint: 'bars per window' },
  { key: 'patchLength', label: 'Patch length', path: 'config.patchLength', hint: 'bars per token' },
  { key: 'horizon', label: 'Horizon', path: 'config.horizon', hint: 'bars ahead' },
  { key: 'dModel', label: 'd_model', path: 'config.dModel', hint: 'width' },
  { key: 'heads', label: 'Heads', path: 'config.heads' },
  { key: 'layers', label: 'Layers', path: 'config.layers' },
  { key: 'maxLag', label: 'Max lag', path: 'config.maxLag', hint: 'bars, 0 = off' },
];

export const TRAINING_FIELDS: readonly NumberField[] = [
  { key: 'epochs', label: 'Epochs', path: 'config.training.epochs' },
  { key: 'batchSize', label: 'Batch size', path: 'config.training.batchSize' },
  { key: 'learningRate', label: 'Learning rate', path: 'config.training.learningRate', step: 'any' },
  { key: 'seed', label: 'Seed', path: 'seed' },
];

const OTHER_PATHS: Record<string, FieldKey> = {
  feed: 'feed',
  interval: 'interval',
  symbols: 'symbols',
  from: 'from',
  to: 'to',
  'config.portfolio': 'portfolio',
  name: 'name',
};

export type Portfolio = 'long-only' | 'long-short';

export interface FormValues extends Record<NumberKey, string> {
  feed: string;
  interval: Interval;
  symbols: string[];
  /** Null: follow the stored range of the chosen symbols (it grows while the stream runs). */
  from: string | null;
  to: string | null;
  portfolio: Portfolio;
  name: string;
}

export type FieldErrors = Partial<Record<FieldKey, string>>;

export function defaultValues(settings: Settings): FormValues {
  const config = ModelConfigSchema.parse({});
  return {
    feed: settings.feed,
    interval: settings.interval,
    symbols: [...settings.symbols],
    from: null,
    to: null,
    lookback: String(config.lookback),
    patchLength: String(config.patchLength),
    horizon: String(config.horizon),
    dModel: String(config.dModel),
    heads: String(config.heads),
    layers: String(config.layers),
    maxLag: String(config.maxLag),
    epochs: String(config.training.epochs),
    batchSize: String(config.training.batchSize),
    learningRate: String(config.training.learningRate),
    seed: '1',
    portfolio: config.portfolio,
    name: '',
  };
}

export interface StoredRange {
  /** Open time of the first bar every chosen symbol has, or null when one has none. */
  from: number | null;
  to: number | null;
  /** Bars of the common span, assuming no gaps. */
  bars: number;
  /** Chosen symbols with no stored candles of this interval. */
  missing: string[];
  gaps: number;
}

/** The span all chosen symbols cover: training aligns them, so only the overlap counts. */
export function storedRange(
  stored: readonly SeriesCoverage[],
  symbols: readonly string[],
  interval: Interval,
): StoredRange {
  let from = -Infinity;
  let to = Infinity;
  let gaps = 0;
  const missing: string[] = [];
  for (const symbol of symbols) {
    const series = stored.find((s) => s.symbol === symbol && s.interval === interval);
    if (!series || series.first === null || series.last === null || series.count === 0) {
      missing.push(symbol);
      continue;
    }
    from = Math.max(from, series.first);
    to = Math.min(to, series.last);
    gaps += series.gaps;
  }
  if (missing.length > 0 || symbols.length === 0 || from > to)
    return { from: null, to: null, bars: 0, missing, gaps };
  return { from, to, bars: Math.floor((to - from) / intervalMs(interval)) + 1, missing, gaps };
}

export type BuildResult =
  { params: Omit<TrainParams, 'jobId'>; errors: null } | { params: null; errors: FieldErrors };

/**
 * Checks what the form can know on its own (numbers that parse, a range, the architecture's
 * divisibility rules the core would reject later) and builds the params. The core's zod schema
 * stays the judge of everything else; its issues come back through `errorsFromIssues`.
 */
export function buildParams(values: FormValues, range: StoredRange): BuildResult {
  const errors: FieldErrors = {};
  const numbers = {} as Record<NumberKey, number>;
  for (const field of [...ARCHITECTURE_FIELDS, ...TRAINING_FIELDS]) {
    const text = values[field.key].trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) errors[field.key] = 'Enter a number.';
    numbers[field.key] = value;
  }
  if (
    !errors.lookback &&
    !errors.patchLength &&
    numbers.patchLength > 0 &&
    numbers.lookback % numbers.patchLength !== 0
  ) {
    errors.patchLength = `The lookback (${numbers.lookback}) must be a multiple of the patch length.`;
  }
  if (!errors.dModel && !errors.heads && numbers.heads > 0 && numbers.dModel % numbers.heads !== 0) {
    errors.heads = `d_model (${numbers.dModel}) must be divisible by the number of heads.`;
  }
  if (values.symbols.length === 0) errors.symbols = 'Choose at least one symbol.';
  const from = values.from === null ? range.from : parseUtcInput(values.from);
  const to = values.to === null ? range.to : parseUtcInput(values.to);
  if (from === null) {
    errors.from =
      values.from === null ? 'No stored candles for the chosen symbols yet.' : 'Use YYYY-MM-DD HH:mm (UTC).';
  }
  if (to === null) errors.to = values.to === null ? 'No stored candles yet.' : 'Use YYYY-MM-DD HH:mm (UTC).';
  if (Object.keys(errors).length > 0 || from === null || to === null) return { params: null, errors };

  const config: ModelConfigInput = {
    lookback: numbers.lookback,
    patchLength: numbers.patchLength,
    horizon: numbers.horizon,
    dModel: numbers.dModel,
    heads: numbers.heads,
    layers: numbers.layers,
    maxLag: numbers.maxLag,
    portfolio: values.portfolio,
    training: { epochs: numbers.epochs, batchSize: numbers.batchSize, learningRate: numbers.learningRate },
  };
  const name = values.name.trim();
  const params: Omit<TrainParams, 'jobId'> = {
    feed: values.feed.trim(),
    symbols: values.symbols,
    interval: values.interval,
    from,
    to,
    config,
    seed: numbers.seed,
    ...(name ? { name } : {}),
  };
  return { params, errors: null };
}

export interface Issue {
  path: string;
  message: string;
}

/** Reads `details.issues` of an INVALID_PARAMS error; anything else gives none. */
export function issuesOf(details: unknown): Issue[] {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (i): i is Issue =>
      typeof i === 'object' && i !== null && typeof i.path === 'string' && typeof i.message === 'string',
  );
}

/** Puts each issue at its field (`symbols.2` belongs to symbols); the rest are returned as unplaced. */
export function errorsFromIssues(issues: readonly Issue[]): { fields: FieldErrors; unplaced: Issue[] } {
  const byPath = new Map<string, FieldKey>(Object.entries(OTHER_PATHS));
  for (const field of [...ARCHITECTURE_FIELDS, ...TRAINING_FIELDS]) byPath.set(field.path, field.key);
  const fields: FieldErrors = {};
  const unplaced: Issue[] = [];
  for (const issue of issues) {
    let key: FieldKey | undefined;
    for (
      let path = issue.path;
      path !== '' && key === undefined;
      path = path.slice(0, Math.max(0, path.lastIndexOf('.')))
    ) {
      key = byPath.get(path);
    }
    if (key) fields[key] ??= issue.message;
    else unplaced.push(issue);
  }
  return { fields, unplaced };
}
