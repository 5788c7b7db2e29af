import { describe, expect, it } from 'vitest';
import { TradingEngine, type EngineConfig } from '../../../src/main/core/trading/engine';
import type { BarSet, Strategy } from '../../../src/main/core/trading/types';
import { constantWeights, HOUR, instrumentsFor, T0 } from './helpers';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

/** Bars with explicit opens and closes per symbol (high/low bracket them). */
function bars(rows: Array<{ open: number[]; close: number[] }>): BarSet[] {
  return rows.map((r, b) => ({
    time: T0 + b * HOUR,
    open: r.open,
    close: r.close,
    high: r.open.map((o, i) => Math.max(o, r.close[i]!)),
    low: r.open.map((o, i) => Math.min(o, r.close[i]!)),
    volume: r.open.map(() => 1),
  }));
}

function flat(count: number, prices = [100, 10]): BarSet[] {
  return bars(Array.from({ length: count }, () => ({ open: prices, close: prices })));
}

function engine(strategy: Strategy, overrides: Partial<EngineConfig> = {}): TradingEngine {
  return new TradingEngine(
    {
      symbols: SYMBOLS,
      instruments: instrumentsFor(SYMBOLS, 0.001),
      initialCapital: 10_000,
      costs: { feeRate: 0.00055, slippageBps: 0 },
      ...overrides,
      // The cost band has its own tests (rebalancer.test.ts): here every change is traded exactly.
      risk: { minTradeNotional: 0, rebalanceThreshold: 0, noTradeBand: 0, ...overrides.risk },
    },
    strategy,
  );
}

describe('trading engine: timing', () => {
  it('fills the orders decided at the close of bar t at the open of bar t+1, with the taker fee and slippage', () => {
    const e = engine(constantWeights([0.5, 0]), { costs: { feeRate: 0.00055, slippageBps: 10 } });
    const feed = bars([
      { open: [100, 10], close: [100, 10] },
      { open: [120, 10], close: [130, 10] },
    ]);
    const first = e.onBar(feed[0]!);
    expect(first.fills).toHaveLength(0);
    expect(first.orders).toHaveLength(1);
    // Sized at the close of t: 0.5 x 10_000 / 100 = 50 BTC.
    expect(first.orders[0]).toMatchObject({ symbol: 'BTCUSDT', quantity: 50, decidedAt: T0 });
    const second = e.onBar(feed[1]!);
    expect(second.fills).toHaveLength(1);
    const fill = second.fills[0]!;
    expect(fill.time).toBe(T0 + HOUR);
    expect(fill.decidedAt).toBe(T0);
    expect(fill.price).toBeCloseTo(120 * 1.001, 9); // the open of t+1, moved 10 bps against the buyer
    expect(fill.quantity).toBe(50);
    expect(fill.fee).toBeCloseTo(50 * 120.12 * 0.00055, 9);
    // Marked at the close of t+1: cash = 10_000 - 50 x 120.12 - fee, position 50 x 130.
    expect(second.state.equity).toBeCloseTo(10_000 - 50 * 120.12 - fill.fee + 50 * 130, 6);
  });

  it('shows the strategy only bars with openTime <= t, and stores no future bar at all', () => {
    const seen: Array<{ time: number; length: number; last: number; beyond: number }> = [];
    const spy: Strategy = {
      name: 'spy',
      decide(ctx) {
        const h = ctx.history('ETHUSDT');
        let beyond = 0;
        for (let i = h.length; i < h.close.length; i++) beyond += Math.abs(h.close[i]!);
        seen.push({ time: ctx.time, length: h.length, last: h.time[h.length - 1]!, beyond });
        return null;
      },
    };
    const e = engine(spy);
    for (const bar of flat(300)) e.onBar(bar);
    expect(seen).toHaveLength(300);
    seen.forEach((s, b) => {
      expect(s.time).toBe(T0 + b * HOUR);
      expect(s.last).toBe(s.time);
      expect(s.length).toBe(b + 1);
      expect(s.beyond).toBe(0);
    });
  });

  it('rejects a bar that is not after the previous one', () => {
    const e = engine(constantWeights([0, 0]));
    const feed = flat(2);
    e.onBar(feed[1]!);
    expect(() => e.onBar(feed[0]!)).toThrow(/not after/);
    expect(() => e.onBar(feed[1]!)).toThrow(/not after/);
  });

  it('builds history without trading before tradeFrom and honours warmupBars', () => {
    const calls: number[] = [];
    const e = engine(
      { name: 'w', warmupBars: 5, decide: (ctx) => (calls.push(ctx.barIndex), [0.5, 0.5]) },
      { tradeFrom: T0 + 3 * HOUR },
    );
    const results = flat(8).map((b) => ({ ...e.onBar(b), orders: [...e.pendingOrders] }));
    expect(calls).toEqual([4, 5, 6, 7]);
    expect(results.slice(0, 4).every((r) => r.orders.length === 0)).toBe(true);
    expect(results[4]!.orders.length).toBe(2);
  });
});

describe('trading engine: lots and limits', () => {
  it('rounds quantities down to the lot step and skips orders below the minimum quantity', () => {
    const e = engine(constantWeights([0.333, 0.00004]), {
      instruments: [
        { symbol: 'BTCUSDT', qtyStep: 0.01, minOrderQty: 0.01, minNotionalValue: 0 },
        { symbol: 'ETHUSDT', qtyStep: 0.1, minOrderQty: 0.1, minNotionalValue: 0 },
      ],
    });
    const r = e.onBar(flat(1, [97, 10])[0]!);
    // 0.333 x 10_000 / 97 = 34.329... → 34.32; ETH wants 0.04 < 0.1 → no order.
    expect(r.orders.map((o) => [o.symbol, o.quantity])).toEqual([['BTCUSDT', 34.32]]);
  });

  it('skips trades below the minimum trade notional and drifts below the rebalance threshold', () => {
    const e = engine(constantWeights([0.5, 0.5]), {
      risk: { minTradeNotional: 50, rebalanceThreshold: 0.05 },
    });
    const feed = bars([
      { open: [100, 10], close: [100, 10] },
      { open: [100, 10], close: [104, 10] }, // BTC weight drifts to ~0.51: below the threshold
      { open: [104, 10], close: [130, 10] }, // BTC weight ~0.565: rebalanced
    ]);
    e.onBar(feed[0]!);
    const second = e.onBar(feed[1]!);
    expect(second.fills).toHaveLength(2);
    expect(second.orders).toHaveLength(0);
    const third = e.onBar(feed[2]!);
    expect(third.orders.map((o) => o.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(third.orders[0]!.quantity).toBeLessThan(0);

    const small = engine(constantWeights([0.004, 0]), {
      risk: { minTradeNotional: 50, rebalanceThreshold: 0 },
    });
    expect(small.onBar(flat(1)[0]!).orders).toHaveLength(0); // 40 USDT < 50
  });

  it('asks the strategy only every cadenceBars bars', () => {
    const asked: number[] = [];
    const e = engine(
      { name: 'c', decide: (ctx) => (asked.push(ctx.barIndex), null) },
      { risk: { cadenceBars: 4 } },
    );
    for (const bar of flat(10)) e.onBar(bar);
    expect(asked).toEqual([0, 4, 8]);
  });

  it('caps per-asset weight and gross exposure, and refuses shorts when not allowed', () => {
    const e = engine(constantWeights([0.9, -0.9]), {
      risk: { maxWeight: 0.6, maxGross: 1, allowShort: true },
    });
    const r = e.onBar(flat(1)[0]!);
    expect(Array.from(r.targetWeights!)).toEqual([0.5, -0.5]);
    const longOnly = engine(constantWeights([0.9, -0.9]), { risk: { maxWeight: 0.6, allowShort: false } });
    expect(Array.from(longOnly.onBar(flat(1)[0]!).targetWeights!)).toEqual([0.6, 0]);
  });

  it('cuts a fill that would take gross exposure above the leverage limit at the next open', () => {
    const e = engine(constantWeights([1.5, 0]), { risk: { maxWeight: 2, maxGross: 2, leverage: 2 } });
    const feed = bars([
      { open: [100, 10], close: [100, 10] },
      { open: [200, 10], close: [200, 10] }, // the open doubles: 150 BTC would be 3x equity
    ]);
    expect(e.onBar(feed[0]!).orders[0]!.quantity).toBe(150);
    const r = e.onBar(feed[1]!);
    const fill = r.fills[0]!;
    expect(fill.quantity).toBeLessThan(150);
    const equityAtOpen = e.portfolio.equity([200, 10]);
    expect(e.portfolio.grossExposure([200, 10])).toBeLessThanOrEqual(2 * equityAtOpen + 1e-9);
    // and it is the largest lot multiple that fits
    expect(fill.quantity * 200 + 0.001 * 200).toBeGreaterThan(2 * equityAtOpen);
  });
});

describe('trading engine: kill switch', () => {
  it('flattens the book when the drawdown limit is hit and never trades again', () => {
    const e = engine(constantWeights([1, 0]), { risk: { killDrawdown: 0.2, maxGross: 1 } });
    const feed = bars([
      { open: [100, 10], close: [100, 10] },
      { open: [100, 10], close: [90, 10] },
      { open: [90, 10], close: [70, 10] }, // ~30% down: trips
      { open: [72, 10], close: [80, 10] },
      { open: [80, 10], close: [100, 10] },
      { open: [100, 10], close: [100, 10] },
    ]);
    const results = feed.map((b) => {
      const r = e.onBar(b);
      return { orders: r.orders.map((o) => ({ ...o })), fills: [...r.fills], killed: r.state.killed };
    });
    expect(results[2]!.killed).toBe(true);
    expect(results[2]!.orders).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', reason: 'kill' })]);
    expect(results[3]!.fills[0]).toMatchObject({ side: 'sell', reason: 'kill', price: 72 });
    expect(e.portfolio.quantities[0]).toBe(0);
    expect(results.slice(3).every((r) => r.orders.length === 0)).toBe(true);
    expect(results.slice(4).every((r) => r.fills.length === 0)).toBe(true);
  });
});

describe('trading engine: snapshot and restore', () => {
  it('resumes from a snapshot with the same fills as an uninterrupted run', () => {
    const feed = bars(
      Array.from({ length: 12 }, (_, b) => ({
        open: [100 + b, 10 + b / 10],
        close: [101 + b * 1.5, 10 - b / 20],
      })),
    );
    const strategy = () => constantWeights([0.6, -0.3]);
    const whole = engine(strategy(), { risk: { rebalanceThreshold: 0, cadenceBars: 3 } });
    const wholeFills = feed.flatMap((b) => whole.onBar(b).fills.map((f) => ({ ...f })));

    const first = engine(strategy(), { risk: { rebalanceThreshold: 0, cadenceBars: 3 } });
    const firstFills = feed.slice(0, 7).flatMap((b) => first.onBar(b).fills.map((f) => ({ ...f })));
    const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
    const resumed = engine(strategy(), { risk: { rebalanceThreshold: 0, cadenceBars: 3 } });
    for (const b of feed.slice(0, 7)) resumed.warm(b);
    resumed.restore(snapshot);
    const restFills = feed.slice(7).flatMap((b) => resumed.onBar(b).fills.map((f) => ({ ...f })));
    expect([...firstFills, ...restFills]).toEqual(wholeFills);
    expect(resumed.portfolio.snapshot()).toEqual(whole.portfolio.snapshot());
  });
});
