// Property tests of the engine's accounting over many seeded random markets, weight sequences, costs,
// lot sizes and leverage limits, and the future-shuffle test of no look-ahead.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/main/core/market/simulator/prng';
import { crossSectionalMomentum } from '../../../src/main/core/trading/baselines';
import { TradingEngine } from '../../../src/main/core/trading/engine';
import type { BarSet, Fill, Strategy } from '../../../src/main/core/trading/types';
import { forAllSeeds, instrumentsFor, randomMarket, randomWeights, relativeError } from './helpers';

const ALL_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'AVAXUSDT', 'DOTUSDT'];

describe('engine accounting invariants (property tests)', () => {
  it('holds equity = cash + Σ qty x price, P&L and fee identities, lot multiples and the leverage limit at every bar', () => {
    forAllSeeds(150, (seed) => {
      const rng = mulberry32(seed);
      const symbols = ALL_SYMBOLS.slice(0, 2 + Math.floor(rng() * 4));
      const market = randomMarket(rng, symbols, 40 + Math.floor(rng() * 80), 0.002 + rng() * 0.05);
      const feeRate = rng() < 0.2 ? 0 : rng() * 0.002;
      const leverage = 0.5 + rng() * 3;
      const qtyStep = [1, 0.1, 0.01, 0.001][Math.floor(rng() * 4)]!;
      const initialCapital = 1_000 + rng() * 1_000_000;
      const engine = new TradingEngine(
        {
          symbols,
          instruments: instrumentsFor(symbols, qtyStep),
          initialCapital,
          costs: {
            feeRate,
            slippageBps: rng() * 30,
            volatilityMultiplier: rng() < 0.5 ? 0 : rng() * 2,
            volatilityWindow: 10,
          },
          risk: {
            leverage,
            maxGross: leverage * (0.5 + rng()),
            maxWeight: 0.3 + rng() * 2,
            killDrawdown: rng() < 0.3 ? 0.1 + rng() * 0.3 : 1,
            rebalanceThreshold: rng() < 0.5 ? 0 : rng() * 0.1,
            minTradeNotional: rng() < 0.5 ? 0 : rng() * 100,
            cadenceBars: 1 + Math.floor(rng() * 3),
          },
        },
        randomWeights(seed, leverage * 1.5),
      );
      const p = engine.portfolio;
      let feesFromFills = 0;
      let tradedNotional = 0;
      for (const bar of market.bars) {
        const before = Float64Array.from(p.quantities);
        const r = engine.onBar(bar);

        // equity = cash + Σ qty x close, and = capital + realised + unrealised - fees (independent books)
        let marked = p.cash;
        let pnl = initialCapital;
        for (let i = 0; i < symbols.length; i++) {
          marked += p.quantities[i]! * bar.close[i]!;
          pnl += p.realised[i]! + p.unrealised(i, bar.close[i]!) - p.fees[i]!;
        }
        expect(relativeError(r.state.equity, marked)).toBeLessThan(1e-9);
        expect(relativeError(r.state.equity, pnl)).toBeLessThan(1e-9);

        // fees = Σ |traded notional| x fee rate
        let increased = false;
        for (const f of r.fills) {
          feesFromFills += f.fee;
          tradedNotional += f.notional;
          expect(f.notional).toBeCloseTo(f.quantity * f.price, 6);
          expect(f.time).toBe(bar.time);
          const i = symbols.indexOf(f.symbol);
          if (Math.abs(p.quantities[i]!) > Math.abs(before[i]!)) increased = true;
          // slippage only ever costs
          const side = f.side === 'buy' ? 1 : -1;
          expect(side * (f.price - bar.open[i]!)).toBeGreaterThanOrEqual(-1e-9);
        }
        expect(relativeError(feesFromFills, tradedNotional * feeRate)).toBeLessThan(1e-9);
        expect(relativeError(r.state.totalFees, feesFromFills)).toBeLessThan(1e-9);

        // quantities stay lot multiples
        for (const q of p.quantities)
          expect(Math.abs(q / qtyStep - Math.round(q / qtyStep))).toBeLessThan(1e-6);

        // after a fill that added exposure: gross <= L x equity at the fill prices, so cash >= (1 - L) equity
        if (increased) {
          const equityAtOpen = p.equity(bar.open);
          expect(p.grossExposure(bar.open)).toBeLessThanOrEqual(leverage * equityAtOpen * (1 + 1e-9) + 1e-9);
          expect(p.cash).toBeGreaterThanOrEqual(
            (1 - leverage) * equityAtOpen - 1e-6 * Math.abs(equityAtOpen),
          );
        }
      }
    });
  });
});

/** Replaces every bar after index `t` with bars from another seed (same times). */
function scrambleAfter(bars: BarSet[], t: number, seed: number, symbols: string[]): BarSet[] {
  const other = randomMarket(mulberry32(seed), symbols, bars.length, 0.03).bars;
  return bars.map((b, i) => (i <= t ? b : { ...other[i]!, time: b.time }));
}

interface Trace {
  decisions: Array<number[] | null>;
  orders: Array<Array<[string, number]>>;
  fills: Fill[][];
}

function trace(bars: BarSet[], symbols: string[], strategy: Strategy): Trace {
  const engine = new TradingEngine(
    {
      symbols,
      instruments: instrumentsFor(symbols, 0.001),
      initialCapital: 100_000,
      costs: { volatilityMultiplier: 1, volatilityWindow: 5 },
      risk: { leverage: 2, maxGross: 1.5, rebalanceThreshold: 0.02, killDrawdown: 0.9 },
    },
    strategy,
  );
  const out: Trace = { decisions: [], orders: [], fills: [] };
  for (const bar of bars) {
    const r = engine.onBar(bar);
    out.decisions.push(r.targetWeights ? Array.from(r.targetWeights) : null);
    out.orders.push(r.orders.map((o) => [o.symbol, o.quantity]));
    out.fills.push(r.fills.map((f) => ({ ...f })));
  }
  return out;
}

/** A strategy that reads every bar it is given: weights from each asset's whole-history mean range. */
function wholeHistoryReader(): Strategy {
  return {
    name: 'reader',
    decide(ctx) {
      return ctx.symbols.map((_, i) => {
        const h = ctx.history(i);
        let sum = 0;
        for (let k = 0; k < h.length; k++)
          sum += (h.close[k]! - h.open[k]!) / h.open[k]! + h.volume[k]! * 1e-4;
        return Math.tanh(sum * 10) / ctx.symbols.length;
      });
    },
  };
}

describe('no look-ahead (future-shuffle)', () => {
  it('scrambling every bar after t changes no decision, order or fill at or before t', () => {
    forAllSeeds(12, (seed) => {
      const symbols = ALL_SYMBOLS.slice(0, 3 + (seed % 3));
      const bars = randomMarket(mulberry32(seed), symbols, 80, 0.02).bars;
      for (const make of [
        () => crossSectionalMomentum({ lookbackBars: 5, fraction: 0.4, longShort: true }),
        wholeHistoryReader,
      ]) {
        const original = trace(bars, symbols, make());
        for (const t of [10, 37, 60]) {
          const scrambled = trace(scrambleAfter(bars, t, seed + 1000, symbols), symbols, make());
          expect(scrambled.decisions.slice(0, t + 1)).toEqual(original.decisions.slice(0, t + 1));
          expect(scrambled.orders.slice(0, t + 1)).toEqual(original.orders.slice(0, t + 1));
          expect(scrambled.fills.slice(0, t + 1)).toEqual(original.fills.slice(0, t + 1));
          // and the scramble is real: something after t differs
          expect(scrambled.decisions.slice(t + 1)).not.toEqual(original.decisions.slice(t + 1));
          expect(scrambled.fills.slice(t + 2)).not.toEqual(original.fills.slice(t + 2));
        }
      }
    });
  });
});
