// Baseline strategies every backtest is compared with, on the same bars and costs. None needs training.
// Each returns one preallocated weights array (the engine copies it), so baselines cost nothing per bar.
import type { Strategy, StrategyContext } from './types';

/** 1/N in every asset, rebalanced at the engine's cadence. */
export function equalWeightRebalanced(): Strategy {
  let weights: Float64Array | null = null;
  return {
    name: 'equal-weight-rebalanced',
    decide(ctx) {
      weights ??= new Float64Array(ctx.symbols.length).fill(1 / ctx.symbols.length);
      return weights;
    },
  };
}

/** True when the book holds any position. Buy-and-hold strategies read the book, not a flag of their
 * own, so that a restarted paper trader (a fresh strategy object) decides exactly as before. */
function holdsAnything(ctx: StrategyContext): boolean {
  for (const q of ctx.portfolio.quantities) if (q !== 0) return true;
  return false;
}

/** 1/N in every asset while flat (the first decision), then held. */
export function equalWeightBuyAndHold(): Strategy {
  return {
    name: 'equal-weight-buy-and-hold',
    decide(ctx) {
      if (holdsAnything(ctx)) return null;
      return new Float64Array(ctx.symbols.length).fill(1 / ctx.symbols.length);
    },
  };
}

/** Everything in one asset (BTCUSDT by default, else the first symbol), bought while flat and held. */
export function singleAsset(symbol = 'BTCUSDT'): Strategy {
  return {
    name: symbol === 'BTCUSDT' ? 'btc-only' : `${symbol.toLowerCase()}-only`,
    decide(ctx) {
      if (holdsAnything(ctx)) return null;
      const weights = new Float64Array(ctx.symbols.length);
      const i = ctx.symbols.indexOf(symbol);
      weights[i >= 0 ? i : 0] = 1;
      return weights;
    },
  };
}

export interface MomentumOptions {
  /** Return measured over this many bars, e.g. 168 (a week of hours). */
  lookbackBars: number;
  /** Long the top fraction and (long-short) short the bottom fraction, e.g. 0.4 of 5 assets = 2 each. */
  fraction: number;
  longShort: boolean;
}

export const DEFAULT_MOMENTUM: MomentumOptions = { lookbackBars: 168, fraction: 0.4, longShort: false };

/**
 * Cross-sectional momentum: rank assets by their return over the last `lookbackBars` bars; equal weight
 * long the winners (and short the losers when long-short), gross exposure 1.
 */
export function crossSectionalMomentum(options: Partial<MomentumOptions> = {}): Strategy {
  const o = { ...DEFAULT_MOMENTUM, ...options };
  let weights: Float64Array | null = null;
  let scores: Float64Array | null = null;
  let order: number[] = [];
  return {
    name: 'cross-sectional-momentum',
    warmupBars: o.lookbackBars + 1,
    decide(ctx: StrategyContext) {
      const n = ctx.symbols.length;
      if (!weights || !scores) {
        weights = new Float64Array(n);
        scores = new Float64Array(n);
        order = Array.from({ length: n }, (_, i) => i);
      }
      for (let i = 0; i < n; i++) {
        const h = ctx.history(i);
        const now = h.close[h.length - 1]!;
        const then = h.close[h.length - 1 - o.lookbackBars]!;
        scores[i] = now > 0 && then > 0 ? Math.log(now / then) : 0;
      }
      const s = scores;
      order.sort((a, b) => s[b]! - s[a]! || a - b);
      const k = Math.max(1, Math.floor(n * o.fraction));
      weights.fill(0);
      const legs = o.longShort && n >= 2 * k ? 2 : 1;
      for (let j = 0; j < k; j++) weights[order[j]!] = 1 / (k * legs);
      if (legs === 2) for (let j = 0; j < k; j++) weights[order[n - 1 - j]!] = -1 / (k * legs);
      return weights;
    },
  };
}

/** The four baselines of every backtest, fresh (they keep state). */
export function allBaselines(symbols: readonly string[]): Strategy[] {
  return [
    equalWeightRebalanced(),
    equalWeightBuyAndHold(),
    singleAsset(symbols.includes('BTCUSDT') ? 'BTCUSDT' : symbols[0]),
    crossSectionalMomentum(),
  ];
}
