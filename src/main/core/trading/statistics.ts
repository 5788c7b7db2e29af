// Honest statistics on a run: how uncertain its Sharpe ratio is, whether it beats the best baseline by
// more than chance, and how well its forecasts rank the assets. Pure and seeded (no clock, no global
// randomness): the same inputs give the same intervals on every machine.
//
// - Sharpe intervals come from a stationary block bootstrap (Politis & Romano, 1994) of the bar
//   returns: resampled series are glued from blocks of random start and geometric length (mean
//   `meanBlock`, about one day of bars), so volatility clustering and short-range autocorrelation
//   survive the resampling, which an iid bootstrap would destroy. The 95% interval is the 2.5% and 97.5%
//   percentiles of the resampled annualised Sharpe ratios.
// - The difference against a baseline resamples both return series with the same blocks (paired), so
//   the market moves they share cancel and the interval measures the difference itself.
// - IC and rank IC follow Qlib's report: per decision bar, the Pearson (IC) and Spearman (rank IC)
//   correlation across assets between forecast and realised return; then their mean, standard deviation,
//   t-statistic mean / (std / sqrt(n)) and ICIR = mean / std. When the forecast horizon is longer than the
//   spacing of decisions, consecutive ICs overlap and the t-statistic overstates the evidence.
import { mulberry32, type Rng } from '../market/simulator/prng';
import { pearson, spearman } from './metrics';

export const BOOTSTRAP_RESAMPLES = 1_000;
export const BOOTSTRAP_SEED = 20_240_418;
const LEVEL = 0.95;

export interface Interval {
  /** The estimate on the series itself. */
  estimate: number | null;
  /** The 2.5% and 97.5% bootstrap percentiles (null when the series is too short or flat). */
  low: number | null;
  high: number | null;
}

export interface BootstrapOptions {
  /** Periods per year for annualising (8760 for hourly bars). */
  periodsPerYear: number;
  /** Mean block length in bars: about one day of bars. */
  meanBlock: number;
  resamples?: number;
  seed?: number;
}

/** r_k = E_k / E_{k-1} - 1 over an equity curve E_0..E_n (0 where E_{k-1} <= 0). */
export function barReturns(equity: ArrayLike<number>): Float64Array {
  const n = Math.max(0, equity.length - 1);
  const out = new Float64Array(n);
  for (let k = 1; k <= n; k++) {
    const previous = equity[k - 1]!;
    out[k - 1] = previous > 0 ? equity[k]! / previous - 1 : 0;
  }
  return out;
}

/** mean / sample std x sqrt(periodsPerYear), as metrics.ts; null without spread. */
export function annualisedSharpe(returns: ArrayLike<number>, periodsPerYear: number): number | null {
  return sharpeOf(returns, null, periodsPerYear);
}

/** Sharpe of returns[index[k]] (or of returns itself when index is null). */
function sharpeOf(
  returns: ArrayLike<number>,
  index: Int32Array | null,
  periodsPerYear: number,
): number | null {
  const n = index ? index.length : returns.length;
  if (n < 2) return null;
  let sum = 0;
  let squares = 0;
  for (let k = 0; k < n; k++) {
    const r = returns[index ? index[k]! : k]!;
    sum += r;
    squares += r * r;
  }
  const mean = sum / n;
  const variance = (squares - n * mean * mean) / (n - 1);
  // Relative floor: a constant series has rounding-level variance, not a real spread.
  if (!(variance > 1e-24 * Math.max(1, mean * mean))) return null;
  return (mean / Math.sqrt(variance)) * Math.sqrt(periodsPerYear);
}

/**
 * One stationary-bootstrap resample of 0..n-1 into `out`: each position starts a new block at a uniform
 * random bar with probability 1 / meanBlock, else continues the current block (wrapping at the end).
 */
export function stationaryBootstrapIndex(
  n: number,
  meanBlock: number,
  rng: Rng,
  out: Int32Array,
): Int32Array {
  const p = 1 / Math.max(1, meanBlock);
  let at = Math.floor(rng() * n);
  for (let k = 0; k < out.length; k++) {
    if (k > 0) at = rng() < p ? Math.floor(rng() * n) : (at + 1) % n;
    out[k] = at;
  }
  return out;
}

/** The q-quantile (linear between order statistics) of the finite values; null when there are none. */
export function quantile(values: readonly number[], q: number): number | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function intervalOf(estimate: number | null, draws: number[]): Interval {
  // Too few resamples with a defined Sharpe (flat series) say nothing.
  if (draws.length < 10) return { estimate, low: null, high: null };
  return { estimate, low: quantile(draws, (1 - LEVEL) / 2), high: quantile(draws, 1 - (1 - LEVEL) / 2) };
}

/** Annualised Sharpe with its 95% stationary-block-bootstrap interval. */
export function sharpeInterval(returns: ArrayLike<number>, options: BootstrapOptions): Interval {
  const n = returns.length;
  const estimate = annualisedSharpe(returns, options.periodsPerYear);
  if (n < 2) return { estimate, low: null, high: null };
  const rng = mulberry32(options.seed ?? BOOTSTRAP_SEED);
  const index = new Int32Array(n);
  const draws: number[] = [];
  for (let b = 0; b < (options.resamples ?? BOOTSTRAP_RESAMPLES); b++) {
    stationaryBootstrapIndex(n, options.meanBlock, rng, index);
    const s = sharpeOf(returns, index, options.periodsPerYear);
    if (s !== null) draws.push(s);
  }
  return intervalOf(estimate, draws);
}

/**
 * Sharpe(a) - Sharpe(b) with its 95% paired-bootstrap interval: each resample draws one set of blocks
 * and applies it to both series (they must cover the same bars).
 */
export function sharpeDifferenceInterval(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions,
): Interval {
  const n = Math.min(a.length, b.length);
  const sa = annualisedSharpe(a, options.periodsPerYear);
  const sb = annualisedSharpe(b, options.periodsPerYear);
  const estimate = sa !== null && sb !== null ? sa - sb : null;
  if (n < 2) return { estimate, low: null, high: null };
  const rng = mulberry32(options.seed ?? BOOTSTRAP_SEED);
  const index = new Int32Array(n);
  const draws: number[] = [];
  for (let r = 0; r < (options.resamples ?? BOOTSTRAP_RESAMPLES); r++) {
    stationaryBootstrapIndex(n, options.meanBlock, rng, index);
    const x = sharpeOf(a, index, options.periodsPerYear);
    const y = sharpeOf(b, index, options.periodsPerYear);
    if (x !== null && y !== null) draws.push(x - y);
  }
  return intervalOf(estimate, draws);
}

/** Summary of a per-bar correlation series, as Qlib reports IC. */
export interface CorrelationSummary {
  /** Bars with a defined correlation (at least 3 assets with spread in both forecast and outcome). */
  count: number;
  mean: number | null;
  std: number | null;
  /** mean / (std / sqrt(count)). */
  tStat: number | null;
  /** mean / std. */
  icir: number | null;
}

export interface InformationCoefficients {
  /** Pearson correlation across assets, per decision bar. */
  ic: CorrelationSummary;
  /** Spearman (rank) correlation across assets, per decision bar. */
  rankIc: CorrelationSummary;
}

export function summarise(values: readonly number[]): CorrelationSummary {
  const n = values.length;
  if (n === 0) return { count: 0, mean: null, std: null, tStat: null, icir: null };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { count: n, mean, std: null, tStat: null, icir: null };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const std = Math.sqrt(variance);
  return {
    count: n,
    mean,
    std,
    tStat: std > 0 ? mean / (std / Math.sqrt(n)) : null,
    icir: std > 0 ? mean / std : null,
  };
}

/** IC and rank IC of forecasts against outcomes, one cross-section per entry (one decision bar). */
export function informationCoefficients(
  crossSections: ReadonlyArray<{ predicted: ArrayLike<number>; realised: ArrayLike<number> }>,
): InformationCoefficients {
  const ics: number[] = [];
  const rankIcs: number[] = [];
  for (const { predicted, realised } of crossSections) {
    const p: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < predicted.length; i++) {
      if (Number.isFinite(predicted[i]) && Number.isFinite(realised[i])) {
        p.push(predicted[i]!);
        r.push(realised[i]!);
      }
    }
    if (p.length < 3) continue;
    const ic = pearson(p, r);
    const rankIc = spearman(p, r);
    if (ic !== null) ics.push(ic);
    if (rankIc !== null) rankIcs.push(rankIc);
  }
  return { ic: summarise(ics), rankIc: summarise(rankIcs) };
}
