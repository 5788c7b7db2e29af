// Shared fixtures for the trading tests: seeded random markets as columnar bars, and a tiny
// property-test loop (many seeded cases, the failing seed named in the message).
import { mulberry32, normal, type Rng } from '../../../src/main/core/market/simulator/prng';
import type { BarSet, InstrumentSpec, Strategy, StrategyContext } from '../../../src/main/core/trading/types';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 0, 1);

export interface Market {
  symbols: string[];
  bars: BarSet[];
}

/** A random walk per symbol: open = previous close x a small gap, high/low around open and close. */
export function randomMarket(rng: Rng, symbols: string[], count: number, volatility = 0.01): Market {
  const price = symbols.map(() => 10 + rng() * 1000);
  const bars: BarSet[] = [];
  for (let b = 0; b < count; b++) {
    const open = price.map((p) => p * Math.exp(0.001 * normal(rng)));
    const close = open.map((o) => o * Math.exp(volatility * normal(rng)));
    close.forEach((c, i) => (price[i] = c));
    bars.push({
      time: T0 + b * HOUR,
      open,
      high: open.map((o, i) => Math.max(o, close[i]!) * 1.001),
      low: open.map((o, i) => Math.min(o, close[i]!) * 0.999),
      close,
      volume: symbols.map(() => 100 + rng() * 10),
    });
  }
  return { symbols, bars };
}

export function instrumentsFor(symbols: string[], qtyStep = 0.001, minOrderQty = qtyStep): InstrumentSpec[] {
  return symbols.map((symbol) => ({ symbol, qtyStep, minOrderQty, minNotionalValue: 0 }));
}

/** Random target weights each bar (long-short, gross up to `maxGross`), from its own seeded stream. */
export function randomWeights(seed: number, maxGross: number, holdProbability = 0.3): Strategy {
  const rng = mulberry32(seed);
  return {
    name: 'random',
    decide(ctx: StrategyContext) {
      if (rng() < holdProbability) return null;
      const raw = ctx.symbols.map(() => rng() * 2 - 1);
      const gross = raw.reduce((s, w) => s + Math.abs(w), 0) || 1;
      const scale = (rng() * maxGross) / gross;
      return raw.map((w) => w * scale);
    },
  };
}

/** Runs `check(seed)` for `cases` seeds; a failure names its seed so it can be replayed alone. */
export function forAllSeeds(cases: number, check: (seed: number) => void, firstSeed = 1): void {
  for (let seed = firstSeed; seed < firstSeed + cases; seed++) {
    try {
      check(seed);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`property failed for seed ${seed}: ${message}`, { cause: err });
    }
  }
}

/** A fixed-weights strategy, asked on every cadence bar. */
export function constantWeights(weights: number[], name = 'constant'): Strategy {
  return { name, decide: () => weights };
}

export function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
}
