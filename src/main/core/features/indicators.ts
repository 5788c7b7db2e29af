// The seed's per-bar features, computed by ONE incremental update used for history (batch), backtests
// and the live stream alike: the batch function is a loop over the same update, so the bar-by-bar live
// values equal the batch values exactly (bit for bit), which a test asserts.
//
// Timing: the features of bar t use bars <= t only (the close of bar t is known at its close).
import { FEATURE_NAME_LIST } from '../../../shared/contract/model';
import type { Candle } from '../../../shared/domain';

// Order matters: it is the column order of the raw feature matrix.
//   logReturn ln(c_t / c_{t-1}); intradayReturn (c - o) / o; range (h - l) / c; volumeRatio v / mean20(v)
//   (current bar included); volatility sample std of the last 20 log returns; rsi RSI(14) from simple
//   rolling means of gains and losses, in [0, 1]; macd (EMA12 - EMA26) / close; macdHistogram
//   (MACD - EMA9(MACD)) / close.
export const FEATURE_NAMES = FEATURE_NAME_LIST;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;

const VOLUME_WINDOW = 20;
const VOLATILITY_WINDOW = 20;
const RSI_WINDOW = 14;
const MACD_FAST = 12;
const MACD_SLOW = 26;
const MACD_SIGNAL = 9;

/**
 * Bars needed before every feature is defined: the 20-return volatility needs 21 closes, and the MACD
 * EMAs are seeded with the first close and given slow + signal bars to forget that seed.
 */
export const WARMUP_BARS = MACD_SLOW + MACD_SIGNAL;

/** Everything the update needs from the past; small and copyable, one per symbol. */
export interface IndicatorState {
  bars: number;
  prevClose: number;
  /** Ring buffers, newest at (cursor - 1). */
  volumes: number[];
  logReturns: number[];
  changes: number[];
  emaFast: number;
  emaSlow: number;
  emaSignal: number;
}

export function createIndicatorState(): IndicatorState {
  return {
    bars: 0,
    prevClose: Number.NaN,
    volumes: [],
    logReturns: [],
    changes: [],
    emaFast: Number.NaN,
    emaSlow: Number.NaN,
    emaSignal: Number.NaN,
  };
}

export function cloneIndicatorState(state: IndicatorState): IndicatorState {
  return {
    ...state,
    volumes: [...state.volumes],
    logReturns: [...state.logReturns],
    changes: [...state.changes],
  };
}

function pushWindow(buffer: number[], value: number, size: number): void {
  buffer.push(value);
  if (buffer.length > size) buffer.shift();
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Advances `state` by one closed bar and writes the bar's features into `out` (length FEATURE_COUNT).
 * Returns false while warming up (then `out` holds NaN for the undefined features).
 */
export function updateIndicators(state: IndicatorState, candle: Candle, out: Float64Array): boolean {
  const { open, high, low, close, volume } = candle;
  const first = state.bars === 0;
  const logReturn = first ? Number.NaN : Math.log(close / state.prevClose);
  const change = first ? Number.NaN : close - state.prevClose;

  pushWindow(state.volumes, volume, VOLUME_WINDOW);
  if (!first) {
    pushWindow(state.logReturns, logReturn, VOLATILITY_WINDOW);
    pushWindow(state.changes, change, RSI_WINDOW);
  }

  const alphaFast = 2 / (MACD_FAST + 1);
  const alphaSlow = 2 / (MACD_SLOW + 1);
  const alphaSignal = 2 / (MACD_SIGNAL + 1);
  state.emaFast = first ? close : state.emaFast + alphaFast * (close - state.emaFast);
  state.emaSlow = first ? close : state.emaSlow + alphaSlow * (close - state.emaSlow);
  const macd = state.emaFast - state.emaSlow;
  state.emaSignal = first ? macd : state.emaSignal + alphaSignal * (macd - state.emaSignal);

  out[0] = logReturn;
  out[1] = open > 0 ? (close - open) / open : 0;
  out[2] = close > 0 ? (high - low) / close : 0;
  const meanVolume = mean(state.volumes);
  out[3] = state.volumes.length < VOLUME_WINDOW ? Number.NaN : meanVolume > 0 ? volume / meanVolume : 0;
  out[4] = state.logReturns.length < VOLATILITY_WINDOW ? Number.NaN : sampleStd(state.logReturns);
  out[5] = state.changes.length < RSI_WINDOW ? Number.NaN : rsi(state.changes);
  out[6] = close > 0 ? macd / close : 0;
  out[7] = close > 0 ? (macd - state.emaSignal) / close : 0;

  state.prevClose = close;
  state.bars++;
  return state.bars > WARMUP_BARS;
}

function sampleStd(values: readonly number[]): number {
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

/** RSI in [0, 1] from simple means of gains and losses; 0.5 when the price did not move at all. */
function rsi(changes: readonly number[]): number {
  let gains = 0;
  let losses = 0;
  for (const c of changes) {
    if (c > 0) gains += c;
    else losses -= c;
  }
  if (gains === 0 && losses === 0) return 0.5;
  return gains / (gains + losses);
}

/**
 * Features of a whole series, row-major `[bars, FEATURE_COUNT]`. Rows before WARMUP_BARS (0-based
 * index < WARMUP_BARS) are warm-up and must not be used. Same code path as the live update.
 */
export function computeFeatures(candles: readonly Candle[], state = createIndicatorState()): Float64Array {
  const out = new Float64Array(candles.length * FEATURE_COUNT);
  const row = new Float64Array(FEATURE_COUNT);
  for (let i = 0; i < candles.length; i++) {
    updateIndicators(state, candles[i]!, row);
    out.set(row, i * FEATURE_COUNT);
  }
  return out;
}
