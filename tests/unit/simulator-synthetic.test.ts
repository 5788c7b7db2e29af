import { describe, expect, it } from 'vitest';
import type { Candle } from '../../src/shared/domain';
import {
  DEFAULT_MARKET_SPEC,
  generateMarket,
  partialCandle,
  randomWalkSpec,
  specForSymbols,
} from '../../src/main/core/market/simulator/synthetic';
import { mulberry32 } from '../../src/main/core/market/simulator/prng';

const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

function logReturns(candles: Candle[]): number[] {
  return candles.slice(1).map((c, i) => Math.log(c.close / candles[i]!.close));
}

function correlation(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  const ma = a.slice(0, n).reduce((s, x) => s + x, 0) / n;
  const mb = b.slice(0, n).reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Correlation of leader return at t-lag with follower return at t. */
function laggedCorrelation(leader: number[], follower: number[], lag: number): number {
  return correlation(leader.slice(0, leader.length - lag), follower.slice(lag));
}

describe('synthetic market generator', () => {
  it('is deterministic: the same spec and seed give identical candles, another seed differs', () => {
    const a = generateMarket(DEFAULT_MARKET_SPEC, { seed: 7, interval: '1', startTime: START, bars: 300 });
    const b = generateMarket(DEFAULT_MARKET_SPEC, { seed: 7, interval: '1', startTime: START, bars: 300 });
    const c = generateMarket(DEFAULT_MARKET_SPEC, { seed: 8, interval: '1', startTime: START, bars: 300 });
    expect(a).toEqual(b);
    expect(a.BTCUSDT).not.toEqual(c.BTCUSDT);
  });

  it('is prefix-stable: N bars then N+M bars share the first N exactly', () => {
    const short = generateMarket(DEFAULT_MARKET_SPEC, {
      seed: 3,
      interval: '5',
      startTime: START,
      bars: 250,
    });
    const long = generateMarket(DEFAULT_MARKET_SPEC, { seed: 3, interval: '5', startTime: START, bars: 900 });
    for (const symbol of DEFAULT_MARKET_SPEC.symbols) {
      expect(long[symbol]!.slice(0, 250)).toEqual(short[symbol]);
    }
  });

  it('does not change a symbol when other symbols are added or removed', () => {
    const all = generateMarket(randomWalkSpec(['BTCUSDT', 'ETHUSDT', 'XRPUSDT']), {
      seed: 5,
      interval: '1',
      startTime: START,
      bars: 100,
    });
    const one = generateMarket(randomWalkSpec(['XRPUSDT']), {
      seed: 5,
      interval: '1',
      startTime: START,
      bars: 100,
    });
    expect(one.XRPUSDT).toEqual(all.XRPUSDT);
  });

  it('produces valid, aligned, confirmed OHLCV with open = previous close', () => {
    const market = generateMarket(DEFAULT_MARKET_SPEC, {
      seed: 11,
      interval: '15',
      startTime: START,
      bars: 2000,
    });
    for (const symbol of DEFAULT_MARKET_SPEC.symbols) {
      const candles = market[symbol]!;
      expect(candles).toHaveLength(2000);
      candles.forEach((c, i) => {
        expect(c.openTime).toBe(START + i * 15 * MINUTE);
        expect(c.confirmed).toBe(true);
        expect(c.low).toBeGreaterThan(0);
        expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
        expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
        expect(c.volume).toBeGreaterThan(0);
        const typical = (c.high + c.low + c.close) / 3;
        expect(c.turnover / (c.volume * typical)).toBeCloseTo(1, 3);
        if (i > 0) expect(c.open).toBe(candles[i - 1]!.close);
        // Prices print exactly as short decimals (numbers survive a string round trip).
        expect(Number(String(c.close))).toBe(c.close);
      });
    }
  });

  it('plants the lead-lag: leader return at t-1 correlates with follower return at t', () => {
    const market = generateMarket(DEFAULT_MARKET_SPEC, {
      seed: 21,
      interval: '1',
      startTime: START,
      bars: 3000,
    });
    const btc = logReturns(market.BTCUSDT!);
    for (const f of DEFAULT_MARKET_SPEC.followers) {
      const follower = logReturns(market[f.symbol]!);
      expect(laggedCorrelation(btc, follower, f.lag)).toBeGreaterThan(0.4);
      // Same-bar and two-bar correlations are absent: the information arrives with exactly one bar of lag.
      expect(Math.abs(laggedCorrelation(btc, follower, 0))).toBeLessThan(0.08);
      expect(Math.abs(laggedCorrelation(btc, follower, 2))).toBeLessThan(0.08);
    }
  });

  it('plants a longer lag where the spec asks for one', () => {
    const spec = {
      ...specForSymbols(['BTCUSDT', 'ETHUSDT']),
      followers: [{ symbol: 'ETHUSDT', leader: 'BTCUSDT', lag: 3, beta: 0.8 }],
    };
    const market = generateMarket(spec, { seed: 2, interval: '1', startTime: START, bars: 3000 });
    const btc = logReturns(market.BTCUSDT!);
    const eth = logReturns(market.ETHUSDT!);
    expect(laggedCorrelation(btc, eth, 3)).toBeGreaterThan(0.4);
    expect(Math.abs(laggedCorrelation(btc, eth, 1))).toBeLessThan(0.08);
  });

  it('has no lead-lag in randomWalkSpec', () => {
    const symbols = DEFAULT_MARKET_SPEC.symbols;
    const market = generateMarket(randomWalkSpec(symbols), {
      seed: 21,
      interval: '1',
      startTime: START,
      bars: 3000,
    });
    const btc = logReturns(market.BTCUSDT!);
    for (const symbol of symbols.slice(1)) {
      const other = logReturns(market[symbol]!);
      for (const lag of [0, 1, 2]) expect(Math.abs(laggedCorrelation(btc, other, lag))).toBeLessThan(0.08);
    }
  });
});

describe('partial candles', () => {
  const final: Candle = {
    openTime: START,
    open: 100,
    high: 103,
    low: 98,
    close: 101.5,
    volume: 1000,
    turnover: 100_833.3333,
    confirmed: true,
  };

  it('stay inside the final range, keep the open, and grow volume and range monotonically', () => {
    const rng = mulberry32(9);
    let previous: Candle | undefined;
    for (const fraction of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
      const p = partialCandle(final, fraction, rng, previous, { priceDecimals: 2, qtyDecimals: 1 });
      expect(p.confirmed).toBe(false);
      expect(p.open).toBe(final.open);
      expect(p.high).toBeLessThanOrEqual(final.high);
      expect(p.low).toBeGreaterThanOrEqual(final.low);
      expect(p.high).toBeGreaterThanOrEqual(Math.max(p.open, p.close));
      expect(p.low).toBeLessThanOrEqual(Math.min(p.open, p.close));
      expect(p.volume).toBeLessThanOrEqual(final.volume);
      if (previous) {
        expect(p.volume).toBeGreaterThanOrEqual(previous.volume);
        expect(p.high).toBeGreaterThanOrEqual(previous.high);
        expect(p.low).toBeLessThanOrEqual(previous.low);
      }
      previous = p;
    }
  });

  it('ends exactly at the final candle', () => {
    const p = partialCandle(final, 1, mulberry32(1));
    expect({ ...p, confirmed: true }).toEqual(final);
  });
});
