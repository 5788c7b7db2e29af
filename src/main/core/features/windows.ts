// From aligned candles to model inputs. A decision at the close of bar t sees the feature rows of bars
// t-lookback+1 .. t only; its target is the log return from the close of t to the close of t+horizon.
// Normalisation statistics come from the training range only and travel with the model.
import { CoreError } from '../../../shared/errors';
import type { AlignedCandles } from './align';
import { computeFeatures, FEATURE_COUNT, FEATURE_NAMES, WARMUP_BARS, type FeatureName } from './indicators';

export interface FeatureSpec {
  features: FeatureName[];
  /** Bars per window, e.g. 168 hourly bars = 7 days. */
  lookback: number;
  /** Target horizon in bars. */
  horizon: number;
  /** |log return| <= deadBand is 'flat'. */
  deadBand: number;
}

export const DEFAULT_FEATURE_SPEC: FeatureSpec = {
  features: [...FEATURE_NAMES],
  lookback: 168,
  horizon: 1,
  deadBand: 0.0005,
};

/** z-score statistics per (asset, feature), row-major [assets, features], plus per-asset target std. */
export interface NormStats {
  mean: number[];
  std: number[];
  /** Std of the horizon log return, to put the regression target on a unit scale. */
  targetStd: number[];
}

/** Raw features of every asset on the aligned grid. */
export interface FeatureMatrix {
  symbols: string[];
  times: number[];
  /** [assets, bars], closes for targets. */
  closes: Float64Array;
  /** [assets, bars, FEATURE_COUNT]. */
  raw: Float64Array;
}

export function buildFeatureMatrix(aligned: AlignedCandles): FeatureMatrix {
  const n = aligned.times.length;
  const a = aligned.symbols.length;
  const raw = new Float64Array(a * n * FEATURE_COUNT);
  const closes = new Float64Array(a * n);
  aligned.candles.forEach((candles, asset) => {
    raw.set(computeFeatures(candles), asset * n * FEATURE_COUNT);
    candles.forEach((c, i) => (closes[asset * n + i] = c.close));
  });
  return { symbols: aligned.symbols, times: aligned.times, closes, raw };
}

/** First bar index that can be a decision bar: its whole window is past the indicators' warm-up. */
export function firstDecisionBar(spec: FeatureSpec): number {
  return WARMUP_BARS + spec.lookback - 1;
}

function featureColumns(spec: FeatureSpec): number[] {
  return spec.features.map((name) => {
    const index = FEATURE_NAMES.indexOf(name);
    if (index < 0) throw new CoreError('INVALID_PARAMS', `Unknown feature '${name}'.`);
    return index;
  });
}

/**
 * Statistics over bars WARMUP_BARS..lastBar (inclusive) and targets whose end bar is <= lastBar:
 * nothing after the training range leaks into them.
 */
export function computeNormStats(matrix: FeatureMatrix, spec: FeatureSpec, lastBar: number): NormStats {
  const n = matrix.times.length;
  const a = matrix.symbols.length;
  const columns = featureColumns(spec);
  const f = columns.length;
  const mean = new Array<number>(a * f).fill(0);
  const std = new Array<number>(a * f).fill(1);
  const targetStd = new Array<number>(a).fill(1);
  const from = WARMUP_BARS;
  const to = Math.min(lastBar, n - 1);
  if (to - from < 2) {
    throw new CoreError(
      'DATA_INCOMPLETE',
      `The training range is too short: it needs more than ${WARMUP_BARS + 2} bars.`,
    );
  }
  for (let asset = 0; asset < a; asset++) {
    columns.forEach((column, k) => {
      let sum = 0;
      let sumSq = 0;
      let count = 0;
      for (let bar = from; bar <= to; bar++) {
        const v = matrix.raw[(asset * n + bar) * FEATURE_COUNT + column]!;
        sum += v;
        sumSq += v * v;
        count++;
      }
      const m = sum / count;
      const variance = Math.max(0, sumSq / count - m * m);
      mean[asset * f + k] = m;
      std[asset * f + k] = variance > 1e-20 ? Math.sqrt(variance) : 1;
    });
    let sum = 0;
    let sumSq = 0;
    let count = 0;
    for (let bar = from; bar + spec.horizon <= to; bar++) {
      const r = Math.log(matrix.closes[asset * n + bar + spec.horizon]! / matrix.closes[asset * n + bar]!);
      sum += r;
      sumSq += r * r;
      count++;
    }
    const m = count > 0 ? sum / count : 0;
    const variance = count > 1 ? Math.max(0, sumSq / count - m * m) : 0;
    targetStd[asset] = variance > 1e-20 ? Math.sqrt(variance) : 1;
  }
  return { mean, std, targetStd };
}

/** z-scores clipped to +-CLIP so one bad print cannot dominate a batch. */
const CLIP = 8;

/** Normalised features [assets, bars, features] as float32; warm-up rows are zero and never windowed. */
export function normalizeFeatures(matrix: FeatureMatrix, spec: FeatureSpec, stats: NormStats): Float32Array {
  const n = matrix.times.length;
  const a = matrix.symbols.length;
  const columns = featureColumns(spec);
  const f = columns.length;
  if (stats.mean.length !== a * f) {
    throw new CoreError(
      'INVALID_PARAMS',
      `The model was trained on ${stats.mean.length / f} symbols, not ${a}.`,
    );
  }
  const out = new Float32Array(a * n * f);
  for (let asset = 0; asset < a; asset++) {
    for (let bar = WARMUP_BARS; bar < n; bar++) {
      columns.forEach((column, k) => {
        const v = matrix.raw[(asset * n + bar) * FEATURE_COUNT + column]!;
        const z = (v - stats.mean[asset * f + k]!) / stats.std[asset * f + k]!;
        out[(asset * n + bar) * f + k] = Math.max(-CLIP, Math.min(CLIP, z));
      });
    }
  }
  return out;
}

/** Normalised features plus what is needed to cut windows and targets out of them. */
export interface WindowSource {
  symbols: string[];
  times: number[];
  spec: FeatureSpec;
  /** [assets, bars, features], normalised. */
  features: Float32Array;
  closes: Float64Array;
}

export function createWindowSource(matrix: FeatureMatrix, spec: FeatureSpec, stats: NormStats): WindowSource {
  return {
    symbols: matrix.symbols,
    times: matrix.times,
    spec,
    features: normalizeFeatures(matrix, spec, stats),
    closes: matrix.closes,
  };
}

export interface Tensor4 {
  data: Float32Array;
  /** [samples, assets, lookback, features] */
  shape: [number, number, number, number];
}

/** Copies the windows of `decisionBars` into X [samples, assets, lookback, features]. */
export function gatherWindows(
  source: WindowSource,
  decisionBars: readonly number[],
  out?: Float32Array,
): Tensor4 {
  const n = source.times.length;
  const a = source.symbols.length;
  const f = source.spec.features.length;
  const l = source.spec.lookback;
  const first = firstDecisionBar(source.spec);
  const size = decisionBars.length * a * l * f;
  const data = out && out.length >= size ? out.subarray(0, size) : new Float32Array(size);
  decisionBars.forEach((t, s) => {
    if (t < first || t >= n) {
      throw new CoreError(
        'DATA_INCOMPLETE',
        `Not enough history for a decision at bar ${t}: a window needs ${first + 1} bars of every symbol.`,
      );
    }
    for (let asset = 0; asset < a; asset++) {
      const src = (asset * n + t - l + 1) * f;
      data.set(source.features.subarray(src, src + l * f), (s * a + asset) * l * f);
    }
  });
  return { data, shape: [decisionBars.length, a, l, f] };
}

export const DIRECTION_DOWN = 0;
export const DIRECTION_FLAT = 1;
export const DIRECTION_UP = 2;

export interface Targets {
  /** [samples, assets] log return close(t) -> close(t + horizon). */
  returns: Float32Array;
  /** [samples, assets] 0 down, 1 flat, 2 up. */
  direction: Int32Array;
}

export function targetsFor(source: WindowSource, decisionBars: readonly number[]): Targets {
  const n = source.times.length;
  const a = source.symbols.length;
  const { horizon, deadBand } = source.spec;
  const returns = new Float32Array(decisionBars.length * a);
  const direction = new Int32Array(decisionBars.length * a);
  decisionBars.forEach((t, s) => {
    if (t + horizon >= n)
      throw new CoreError(
        'INVALID_PARAMS',
        `No target for bar ${t}: it is within ${horizon} bars of the end.`,
      );
    for (let asset = 0; asset < a; asset++) {
      const r = Math.log(source.closes[asset * n + t + horizon]! / source.closes[asset * n + t]!);
      returns[s * a + asset] = r;
      direction[s * a + asset] =
        r > deadBand ? DIRECTION_UP : r < -deadBand ? DIRECTION_DOWN : DIRECTION_FLAT;
    }
  });
  return { returns, direction };
}

/** Decision bars with a known target, from `from` to `to` inclusive (clamped to the valid span). */
export function labelledBars(source: WindowSource, from = 0, to = Number.POSITIVE_INFINITY): number[] {
  const first = Math.max(firstDecisionBar(source.spec), from);
  const last = Math.min(source.times.length - 1 - source.spec.horizon, to);
  const out: number[] = [];
  for (let t = first; t <= last; t++) out.push(t);
  return out;
}

/** Everything at once (small sets and tests); training gathers batches lazily instead. */
export function buildWindows(source: WindowSource, decisionBars?: readonly number[]) {
  const bars = decisionBars ?? labelledBars(source);
  return {
    x: gatherWindows(source, bars),
    targets: targetsFor(source, bars),
    times: bars.map((t) => source.times[t]!),
  };
}
