import { describe, expect, it } from 'vitest';
import { alignCandles } from '../../../src/main/core/features/align';
import {
  computeFeatures,
  createIndicatorState,
  FEATURE_COUNT,
  updateIndicators,
  WARMUP_BARS,
} from '../../../src/main/core/features/indicators';
import {
  buildFeatureMatrix,
  buildWindows,
  computeNormStats,
  createWindowSource,
  DEFAULT_FEATURE_SPEC,
  DIRECTION_DOWN,
  DIRECTION_FLAT,
  DIRECTION_UP,
  firstDecisionBar,
  gatherWindows,
  targetsFor,
  type FeatureSpec,
} from '../../../src/main/core/features/windows';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../../src/main/core/market/simulator/synthetic';
import type { Candle } from '../../../src/shared/domain';
import { CoreError } from '../../../src/shared/errors';

const START = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

function market(bars: number, seed = 7): Record<string, Candle[]> {
  return generateMarket(DEFAULT_MARKET_SPEC, { seed, interval: '60', startTime: START, bars });
}

function series(data: Record<string, Candle[]>) {
  return Object.entries(data).map(([symbol, candles]) => ({ symbol, candles }));
}

describe('indicators', () => {
  it('the bar-by-bar live update equals the batch computation exactly', () => {
    const candles = market(400).BTCUSDT!;
    const batch = computeFeatures(candles);
    const state = createIndicatorState();
    const row = new Float64Array(FEATURE_COUNT);
    candles.forEach((c, i) => {
      updateIndicators(state, c, row);
      for (let f = 0; f < FEATURE_COUNT; f++)
        expect(Object.is(row[f], batch[i * FEATURE_COUNT + f])).toBe(true);
    });
  });

  it('computes the seed features by their definitions', () => {
    const candles = market(200).ETHUSDT!;
    const features = computeFeatures(candles);
    const t = 120;
    const c = candles[t]!;
    const at = (f: number) => features[t * FEATURE_COUNT + f]!;
    expect(at(0)).toBeCloseTo(Math.log(c.close / candles[t - 1]!.close), 12);
    expect(at(1)).toBeCloseTo((c.close - c.open) / c.open, 12);
    expect(at(2)).toBeCloseTo((c.high - c.low) / c.close, 12);
    const meanVolume = candles.slice(t - 19, t + 1).reduce((s, x) => s + x.volume, 0) / 20;
    expect(at(3)).toBeCloseTo(c.volume / meanVolume, 10);
    const returns = candles
      .slice(t - 20, t + 1)
      .map((x, i, all) => (i === 0 ? 0 : Math.log(x.close / all[i - 1]!.close)))
      .slice(1);
    const m = returns.reduce((s, x) => s + x, 0) / 20;
    const sd = Math.sqrt(returns.reduce((s, x) => s + (x - m) ** 2, 0) / 19);
    expect(at(4)).toBeCloseTo(sd, 12);
    const changes = candles
      .slice(t - 14, t + 1)
      .map((x, i, all) => (i === 0 ? 0 : x.close - all[i - 1]!.close))
      .slice(1);
    const gains = changes.filter((x) => x > 0).reduce((s, x) => s + x, 0);
    const losses = -changes.filter((x) => x < 0).reduce((s, x) => s + x, 0);
    expect(at(5)).toBeCloseTo(gains / (gains + losses), 12);
    expect(at(5)).toBeGreaterThanOrEqual(0);
    expect(at(5)).toBeLessThanOrEqual(1);
  });

  it('marks the warm-up as undefined and everything after it as finite', () => {
    const features = computeFeatures(market(100).BTCUSDT!);
    expect(Number.isNaN(features[0])).toBe(true);
    for (let i = WARMUP_BARS * FEATURE_COUNT; i < features.length; i++)
      expect(Number.isFinite(features[i])).toBe(true);
  });
});

describe('alignment', () => {
  it('trims to the common span and keeps every symbol on the same open times', () => {
    const data = market(300);
    const trimmed = { ...data, SOLUSDT: data.SOLUSDT!.slice(10) };
    const aligned = alignCandles(series(trimmed), '60');
    expect(aligned.times.length).toBe(290);
    expect(aligned.times[0]).toBe(START + 10 * HOUR);
    for (const c of aligned.candles) expect(c.map((x) => x.openTime)).toEqual(aligned.times);
  });

  it('refuses a missing bar, naming the symbol and the time', () => {
    const data = market(100);
    const gappy = { ...data, ETHUSDT: data.ETHUSDT!.filter((_, i) => i !== 40) };
    try {
      alignCandles(series(gappy), '60');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).code).toBe('DATA_INCOMPLETE');
      expect((err as CoreError).message).toContain('ETHUSDT');
      expect((err as CoreError).message).toContain(new Date(START + 40 * HOUR).toISOString());
    }
  });

  it('refuses bars off the other symbols grid and duplicated bars', () => {
    const data = market(60);
    const shifted = { ...data, DOTUSDT: data.DOTUSDT!.map((c) => ({ ...c, openTime: c.openTime + 60_000 })) };
    expect(() => alignCandles(series(shifted), '60')).toThrow(/DOTUSDT/);
    const duplicated = {
      ...data,
      BTCUSDT: [...data.BTCUSDT!.slice(0, 30), data.BTCUSDT![29]!, ...data.BTCUSDT!.slice(30)],
    };
    expect(() => alignCandles(series(duplicated), '60')).toThrow(/BTCUSDT.*duplicated/);
  });

  it('ignores a trailing forming bar but refuses an unconfirmed bar in the middle', () => {
    const data = market(80);
    const forming = {
      ...data,
      BTCUSDT: data.BTCUSDT!.map((c, i) => (i === 79 ? { ...c, confirmed: false } : c)),
    };
    expect(alignCandles(series(forming), '60').times.length).toBe(79);
    const middle = {
      ...data,
      BTCUSDT: data.BTCUSDT!.map((c, i) => (i === 50 ? { ...c, confirmed: false } : c)),
    };
    expect(() => alignCandles(series(middle), '60')).toThrow(CoreError);
  });
});

describe('windows', () => {
  const spec: FeatureSpec = { ...DEFAULT_FEATURE_SPEC, lookback: 24, horizon: 3, deadBand: 0.001 };

  it('builds X [samples, assets, lookback, features] and targets at the horizon', () => {
    const aligned = alignCandles(series(market(200)), '60');
    const matrix = buildFeatureMatrix(aligned);
    const stats = computeNormStats(matrix, spec, 150);
    const source = createWindowSource(matrix, spec, stats);
    const { x, targets, times } = buildWindows(source);
    const first = firstDecisionBar(spec);
    const samples = 200 - spec.horizon - first;
    expect(x.shape).toEqual([samples, 5, 24, spec.features.length]);
    expect(x.data.length).toBe(samples * 5 * 24 * spec.features.length);
    expect(times[0]).toBe(aligned.times[first]);
    const closes = aligned.candles[1]!.map((c) => c.close);
    const expected = Math.log(closes[first + 3]! / closes[first]!);
    expect(targets.returns[1]).toBeCloseTo(expected, 6);
    const direction = expected > 0.001 ? DIRECTION_UP : expected < -0.001 ? DIRECTION_DOWN : DIRECTION_FLAT;
    expect(targets.direction[1]).toBe(direction);
  });

  it('has no look-ahead: changing bars after the decision bar changes neither its window nor stats', () => {
    const data = market(200);
    const t = 120;
    const altered = Object.fromEntries(
      Object.entries(data).map(([s, candles]) => [
        s,
        candles.map((c, i) =>
          i > t ? { ...c, close: c.close * 1.5, high: c.high * 1.5, volume: c.volume * 9 } : c,
        ),
      ]),
    );
    const windowAt = (d: Record<string, Candle[]>) => {
      const matrix = buildFeatureMatrix(alignCandles(series(d), '60'));
      const source = createWindowSource(matrix, spec, computeNormStats(matrix, spec, t));
      return Array.from(gatherWindows(source, [t]).data);
    };
    expect(windowAt(altered)).toEqual(windowAt(data));
    // And the window's last row is bar t itself: altering bar t changes it.
    const atT = Object.fromEntries(
      Object.entries(data).map(([s, candles]) => [
        s,
        candles.map((c, i) => (i === t ? { ...c, close: c.close * 1.01 } : c)),
      ]),
    );
    expect(windowAt(atT)).not.toEqual(windowAt(data));
  });

  it('normalises with statistics of the training range only', () => {
    const matrix = buildFeatureMatrix(alignCandles(series(market(300)), '60'));
    const stats = computeNormStats(matrix, spec, 150);
    const source = createWindowSource(matrix, spec, stats);
    // Mean of the normalised log return of asset 0 over the training bars is ~0 (clipping aside).
    let sum = 0;
    let n = 0;
    for (let bar = WARMUP_BARS; bar <= 150; bar++) {
      sum += source.features[(0 * 300 + bar) * spec.features.length]!;
      n++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(1e-4);
    const later = computeNormStats(matrix, spec, 299);
    expect(later.mean).not.toEqual(stats.mean);
  });

  it('refuses a decision without enough history', () => {
    const matrix = buildFeatureMatrix(alignCandles(series(market(120)), '60'));
    const source = createWindowSource(matrix, spec, computeNormStats(matrix, spec, 100));
    expect(() => gatherWindows(source, [firstDecisionBar(spec) - 1])).toThrow(CoreError);
    expect(() => targetsFor(source, [118])).toThrow(CoreError);
  });
});
