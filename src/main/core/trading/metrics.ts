// Performance and forecast metrics, one definition each. Conventions:
// - E_0..E_n is equity at the close of each counted bar; E_0 is the equity at the close of the bar
//   before the first counted return (the start of the out-of-sample period), so there are n returns
//   r_k = E_k / E_{k-1} - 1.
// - Annualisation uses P = (365 x 24 x 3600 x 1000) / barMs periods per year (crypto trades every day;
//   P = 8760 for hourly bars, sqrt(P) = sqrt(365 x 24) as in the seed chapter). Risk-free rate 0.
// - A figure that is undefined (no returns, zero volatility, zero drawdown) is null, never NaN/Infinity,
//   so every result is plain JSON.

import type { CorrelationSummary } from './statistics';

const YEAR_MS = 365 * 86_400_000;

export interface PerformanceMetrics {
  /** n, the number of per-bar returns counted. */
  bars: number;
  /** n x barMs / 365 days. */
  years: number;
  /** E_n / E_0 - 1. */
  totalReturn: number;
  /** (E_n / E_0)^(1 / years) - 1; -1 when equity is gone. */
  cagr: number | null;
  /** Sample standard deviation of r_k x sqrt(P). */
  volatility: number | null;
  /** mean(r) / std(r) x sqrt(P). */
  sharpe: number | null;
  /** mean(r) / sqrt(mean(min(r_k, 0)^2)) x sqrt(P): downside deviation over all bars, target 0. */
  sortino: number | null;
  /** CAGR / max drawdown. */
  calmar: number | null;
  /** max over k of 1 - E_k / max(E_0..E_k). */
  maxDrawdown: number;
  /** Longest run of bars spent below a previous peak (until recovered, or to the end). */
  maxDrawdownBars: number;
  maxDrawdownMs: number;
  /** Share of bars with r_k > 0 among bars with r_k != 0 (flat bars, e.g. out of the market, excluded). */
  winRate: number | null;
  /** Sum of |traded notional| / mean(E): how many times the book was traded over the period. */
  turnover: number;
  /** turnover / years. */
  annualTurnover: number | null;
  /** Sum of fees, quote coin. */
  feesPaid: number;
  /** feesPaid / E_0. */
  feesFraction: number;
  /** Funding paid net of funding received, quote coin (0 when funding is not modelled: see the run's notes). */
  fundingPaid: number;
  /** fundingPaid / E_0. */
  fundingFraction: number;
  /** mean over bars of gross exposure / equity (average gross leverage). */
  exposure: number;
  /** Share of bars with any position. */
  timeInMarket: number;
  /** Per asset: (realised + unrealised P&L - fees - funding of the asset) / E_0; they sum to totalReturn. */
  contribution: Record<string, number>;
  /** Present when the strategy gave forecasts. */
  forecast?: ForecastMetrics;
  /** 95% block-bootstrap interval of `sharpe` (statistics.ts); set by the backtest. */
  sharpeInterval?: { low: number | null; high: number | null };
  /** The strategy's Sharpe minus the best baseline's (highest Sharpe), paired-bootstrap 95% interval. */
  sharpeVsBestBaseline?: {
    baseline: string;
    difference: number | null;
    low: number | null;
    high: number | null;
  };
}

export interface ForecastMetrics {
  /** Forecast/outcome pairs scored (asset x decision, outcome known). */
  count: number;
  /** Share of pairs where sign(predicted) = sign(realised), zeros excluded. */
  hitRate: number | null;
  /**
   * Information coefficient: mean over decisions of the Spearman rank correlation between predicted and
   * realised returns across assets (decisions with fewer than 3 assets or no spread are skipped).
   */
  informationCoefficient: number | null;
  /** Spearman rank correlation over all pairs pooled (time series and cross-section together). */
  pooledInformationCoefficient: number | null;
  /** Pearson IC across assets per decision bar: mean, std, t-statistic, ICIR (statistics.ts). */
  ic?: CorrelationSummary;
  /** Spearman (rank) IC across assets per decision bar, summarised the same way. */
  rankIc?: CorrelationSummary;
}

export interface PerformanceInput {
  /** E_0..E_n, equity at the close of each bar. */
  equity: ArrayLike<number>;
  /** Gross exposure (sum |quantity x close|) at the same closes; gross[0] is ignored like E_0's return. */
  gross: ArrayLike<number>;
  barMs: number;
  tradedNotional: number;
  feesPaid: number;
  /** Funding paid net of funding received, quote coin. */
  fundingPaid?: number;
  /** Per-asset P&L net of its fees (and funding) over the period, quote coin. */
  assetPnl: Record<string, number>;
}

export function performanceMetrics(input: PerformanceInput): PerformanceMetrics {
  const { equity, gross, barMs } = input;
  const n = Math.max(0, equity.length - 1);
  const e0 = equity[0] ?? 0;
  const en = equity[n] ?? e0;
  const periodsPerYear = YEAR_MS / barMs;
  const years = (n * barMs) / YEAR_MS;

  let sum = 0;
  let sumSquares = 0;
  let downsideSquares = 0;
  let wins = 0;
  let moves = 0;
  let peak = e0;
  let maxDrawdown = 0;
  let underwaterSince = -1;
  let maxDrawdownBars = 0;
  let exposureSum = 0;
  let inMarket = 0;
  let equitySum = e0;
  for (let k = 1; k <= n; k++) {
    const previous = equity[k - 1]!;
    const current = equity[k]!;
    const r = previous > 0 ? current / previous - 1 : 0;
    sum += r;
    sumSquares += r * r;
    if (r < 0) downsideSquares += r * r;
    if (r !== 0) {
      moves++;
      if (r > 0) wins++;
    }
    if (current >= peak) {
      peak = current;
      if (underwaterSince >= 0) maxDrawdownBars = Math.max(maxDrawdownBars, k - underwaterSince);
      underwaterSince = -1;
    } else {
      if (underwaterSince < 0) underwaterSince = k - 1;
      if (peak > 0) maxDrawdown = Math.max(maxDrawdown, 1 - current / peak);
    }
    const g = gross[k] ?? 0;
    if (current > 0) exposureSum += g / current;
    if (g > 0) inMarket++;
    equitySum += current;
  }
  if (underwaterSince >= 0) maxDrawdownBars = Math.max(maxDrawdownBars, n - underwaterSince);

  const mean = n > 0 ? sum / n : 0;
  const variance = n > 1 ? (sumSquares - n * mean * mean) / (n - 1) : 0;
  const std = variance > 0 ? Math.sqrt(variance) : 0;
  const downside = n > 0 ? Math.sqrt(downsideSquares / n) : 0;
  const totalReturn = e0 > 0 ? en / e0 - 1 : 0;
  const cagr = years > 0 && e0 > 0 ? (en > 0 ? (en / e0) ** (1 / years) - 1 : -1) : null;
  const meanEquity = equitySum / (n + 1);
  const turnover = meanEquity > 0 ? input.tradedNotional / meanEquity : 0;
  const contribution: Record<string, number> = {};
  for (const [symbol, pnl] of Object.entries(input.assetPnl)) contribution[symbol] = e0 > 0 ? pnl / e0 : 0;

  return {
    bars: n,
    years,
    totalReturn,
    cagr: finiteOrNull(cagr),
    volatility: n > 1 ? std * Math.sqrt(periodsPerYear) : null,
    sharpe: std > 0 ? (mean / std) * Math.sqrt(periodsPerYear) : null,
    sortino: downside > 0 ? (mean / downside) * Math.sqrt(periodsPerYear) : null,
    calmar: cagr !== null && maxDrawdown > 0 ? finiteOrNull(cagr / maxDrawdown) : null,
    maxDrawdown,
    maxDrawdownBars,
    maxDrawdownMs: maxDrawdownBars * barMs,
    winRate: moves > 0 ? wins / moves : null,
    turnover,
    annualTurnover: years > 0 ? turnover / years : null,
    feesPaid: input.feesPaid,
    feesFraction: e0 > 0 ? input.feesPaid / e0 : 0,
    fundingPaid: input.fundingPaid ?? 0,
    fundingFraction: e0 > 0 ? (input.fundingPaid ?? 0) / e0 : 0,
    exposure: n > 0 ? exposureSum / n : 0,
    timeInMarket: n > 0 ? inMarket / n : 0,
    contribution,
  };
}

/** One decision's forecast and, once known, what happened: log returns over the horizon per asset. */
export interface ForecastOutcome {
  predicted: ArrayLike<number>;
  realised: ArrayLike<number>;
}

export function forecastMetrics(outcomes: readonly ForecastOutcome[]): ForecastMetrics {
  let hits = 0;
  let signed = 0;
  let count = 0;
  let icSum = 0;
  let icCount = 0;
  const pooledPredicted: number[] = [];
  const pooledRealised: number[] = [];
  for (const { predicted, realised } of outcomes) {
    const p: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < predicted.length; i++) {
      const a = predicted[i]!;
      const b = realised[i]!;
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      p.push(a);
      r.push(b);
      count++;
      if (a !== 0 && b !== 0) {
        signed++;
        if (Math.sign(a) === Math.sign(b)) hits++;
      }
    }
    if (p.length >= 3) {
      const ic = spearman(p, r);
      if (ic !== null) {
        icSum += ic;
        icCount++;
      }
    }
    pooledPredicted.push(...p);
    pooledRealised.push(...r);
  }
  return {
    count,
    hitRate: signed > 0 ? hits / signed : null,
    informationCoefficient: icCount > 0 ? icSum / icCount : null,
    pooledInformationCoefficient: spearman(pooledPredicted, pooledRealised),
  };
}

/** Spearman rank correlation (Pearson of average ranks, so ties are handled); null without spread. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = Math.min(a.length, b.length);
  if (n < 2) return null;
  return pearson(ranks(a, n), ranks(b, n));
}

/** Average ranks 1..n (ties share the mean of their ranks). */
export function ranks(values: ArrayLike<number>, n = values.length): Float64Array {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => values[x]! - values[y]!);
  const out = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]!] = rank;
    i = j + 1;
  }
  return out;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = Math.min(a.length, b.length);
  if (n < 2) return null;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
