// A transparent reference strategy for walk-forward backtests while (and after) the attention model is
// trained: per asset, a ridge regression of its next-bar log return on the last `lags` log returns of
// every asset, fitted on the fold's training window only. It finds a planted lead-lag, and on a pure
// random walk it must find nothing: the backtest's look-ahead guard tests rely on both.
import type { FitFunction, FitRequest, FittedStrategy } from './backtest';
import type { MarketData } from './market-data';
import type { Strategy, StrategyContext } from './types';

export interface LinearLeadLagOptions {
  /** Lagged returns per asset used as features (1 = the last bar's return only). */
  lags: number;
  /** Ridge penalty, relative to the mean feature variance. */
  ridge: number;
  /**
   * Predicted |return| below this is treated as no signal: a position held for the forecast's one bar
   * must earn its round trip of fees and slippage (rebalancer.ts's roundTripCost, 0.0015 at the default
   * costs). Backtests pass the round-trip cost of the run's own costs.
   */
  minEdge: number;
  /** Allow shorts; otherwise negative forecasts become 0. */
  longShort: boolean;
}

export const DEFAULT_LINEAR_LEAD_LAG: LinearLeadLagOptions = {
  lags: 2,
  ridge: 1e-3,
  minEdge: 0.0015,
  longShort: true,
};

/** The fit function for runBacktest: one ridge regression per asset on the training window. */
export function linearLeadLagFit(options: Partial<LinearLeadLagOptions> = {}): FitFunction {
  const o = { ...DEFAULT_LINEAR_LEAD_LAG, ...options };
  return ({ fold, data }: FitRequest): FittedStrategy => ({
    strategy: linearLeadLagStrategy(fitCoefficients(data, fold.trainFrom, fold.trainTo, o.lags, o.ridge), o),
    modelId: null,
  });
}

/** coefficients[asset] = [intercept, r_0(t), r_1(t), ..., r_0(t-1), ...] (asset-major within each lag). */
export function fitCoefficients(
  data: MarketData,
  from: number,
  to: number,
  lags: number,
  ridge: number,
): number[][] {
  const n = data.symbols.length;
  const features = 1 + n * lags;
  const logReturn = (b: number, i: number) => Math.log(data.close[b * n + i]! / data.close[(b - 1) * n + i]!);
  const coefficients: number[][] = [];
  // Samples: decision bar t with features r(t..t-lags+1), label r(t+1); all inside [from, to].
  const firstT = from + lags;
  const lastT = to - 1;
  const x = new Float64Array(features);
  for (let target = 0; target < n; target++) {
    const xtx = Array.from({ length: features }, () => new Float64Array(features));
    const xty = new Float64Array(features);
    for (let t = firstT; t <= lastT; t++) {
      x[0] = 1;
      for (let l = 0; l < lags; l++) for (let j = 0; j < n; j++) x[1 + l * n + j] = logReturn(t - l, j);
      const y = logReturn(t + 1, target);
      for (let a = 0; a < features; a++) {
        xty[a] = xty[a]! + x[a]! * y;
        const row = xtx[a]!;
        for (let c = 0; c < features; c++) row[c] = row[c]! + x[a]! * x[c]!;
      }
    }
    const samples = Math.max(1, lastT - firstT + 1);
    let meanVariance = 0;
    for (let a = 1; a < features; a++) meanVariance += xtx[a]![a]! / samples;
    meanVariance /= Math.max(1, features - 1);
    for (let a = 1; a < features; a++) xtx[a]![a] = xtx[a]![a]! + ridge * meanVariance * samples;
    coefficients.push(solve(xtx, xty));
  }
  return coefficients;
}

export function linearLeadLagStrategy(
  coefficients: number[][],
  options: Partial<LinearLeadLagOptions> = {},
): Strategy {
  const o = { ...DEFAULT_LINEAR_LEAD_LAG, ...options };
  const n = coefficients.length;
  const features = new Float64Array(1 + n * o.lags);
  const predicted = new Float64Array(n);
  const weights = new Float64Array(n);
  return {
    name: 'linear-lead-lag',
    warmupBars: o.lags + 1,
    decide(ctx: StrategyContext) {
      features[0] = 1;
      for (let j = 0; j < n; j++) {
        const h = ctx.history(j);
        for (let l = 0; l < o.lags; l++) {
          const b = h.length - 1 - l;
          features[1 + l * n + j] = Math.log(h.close[b]! / h.close[b - 1]!);
        }
      }
      let gross = 0;
      for (let i = 0; i < n; i++) {
        const beta = coefficients[i]!;
        let p = 0;
        for (let a = 0; a < features.length; a++) p += beta[a]! * features[a]!;
        predicted[i] = p;
        const signal = Math.abs(p) < o.minEdge || (!o.longShort && p < 0) ? 0 : p;
        weights[i] = signal;
        gross += Math.abs(signal);
      }
      for (let i = 0; i < n; i++) weights[i] = gross > 0 ? weights[i]! / gross : 0;
      return { weights, forecast: { returns: predicted, horizon: 1 } };
    },
  };
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and well conditioned). */
function solve(a: Float64Array[], b: Float64Array): number[] {
  const m = b.length;
  const rows = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(rows[r]![col]!) > Math.abs(rows[pivot]![col]!)) pivot = r;
    [rows[col], rows[pivot]] = [rows[pivot]!, rows[col]!];
    const p = rows[col]![col]!;
    if (Math.abs(p) < 1e-300) continue;
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const factor = rows[r]![col]! / p;
      if (factor === 0) continue;
      for (let c = col; c <= m; c++) rows[r]![c] = rows[r]![c]! - factor * rows[col]![c]!;
    }
  }
  return rows.map((row, i) => (Math.abs(row[i]!) < 1e-300 ? 0 : row[m]! / row[i]!));
}
