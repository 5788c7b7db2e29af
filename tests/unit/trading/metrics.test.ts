import { describe, expect, it } from 'vitest';
import { forecastMetrics, performanceMetrics, ranks, spearman } from '../../../src/main/core/trading/metrics';

const HOUR = 3_600_000;

function metrics(equity: number[], extra: Partial<Parameters<typeof performanceMetrics>[0]> = {}) {
  return performanceMetrics({
    equity,
    gross: equity.map(() => 0),
    barMs: HOUR,
    tradedNotional: 0,
    feesPaid: 0,
    assetPnl: {},
    ...extra,
  });
}

describe('performance metrics', () => {
  it('computes returns, volatility, Sharpe and Sortino annualised on 365 days from the bar interval', () => {
    const equity = [100, 110, 99, 108.9, 108.9];
    const m = metrics(equity);
    const r = [0.1, -0.1, 0.1, 0];
    const mean = r.reduce((s, x) => s + x, 0) / 4;
    const std = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 3);
    const periods = 365 * 24;
    expect(m.bars).toBe(4);
    expect(m.years).toBeCloseTo(4 / periods, 12);
    expect(m.totalReturn).toBeCloseTo(0.089, 12);
    expect(m.volatility).toBeCloseTo(std * Math.sqrt(periods), 9);
    expect(m.sharpe).toBeCloseTo((mean / std) * Math.sqrt(periods), 9);
    expect(m.sortino).toBeCloseTo((mean / Math.sqrt(0.01 / 4)) * Math.sqrt(periods), 9);
    expect(m.winRate).toBeCloseTo(2 / 3, 12); // the flat bar is not counted
    expect(m.cagr).toBeCloseTo(1.089 ** (periods / 4) - 1, 0);
  });

  it('measures max drawdown, its duration in bars and ms, and Calmar', () => {
    const m = metrics([100, 120, 90, 60, 100, 130, 125]);
    expect(m.maxDrawdown).toBeCloseTo(0.5, 12);
    // From the peak at bar 1 to the recovery at bar 5: 4 bars.
    expect(m.maxDrawdownBars).toBe(4);
    expect(m.maxDrawdownMs).toBe(4 * HOUR);
    expect(m.calmar).toBeCloseTo(m.cagr! / 0.5, 9);
  });

  it('counts a drawdown that never recovers up to the end', () => {
    const m = metrics([100, 101, 100, 99, 98, 97]);
    expect(m.maxDrawdownBars).toBe(4);
  });

  it('reports undefined figures as null, never NaN', () => {
    const m = metrics([100, 100, 100]);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.calmar).toBeNull();
    expect(m.winRate).toBeNull();
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
    expect(metrics([100]).bars).toBe(0);
  });

  it('computes turnover, fees, exposure, time in market and per-asset contribution', () => {
    const m = metrics([100, 100, 100, 100], {
      gross: [0, 50, 150, 0],
      tradedNotional: 400,
      feesPaid: 2,
      assetPnl: { BTCUSDT: 5, ETHUSDT: -3 },
    });
    expect(m.turnover).toBeCloseTo(4, 12);
    expect(m.feesPaid).toBe(2);
    expect(m.feesFraction).toBeCloseTo(0.02, 12);
    expect(m.exposure).toBeCloseTo((0.5 + 1.5 + 0) / 3, 12);
    expect(m.timeInMarket).toBeCloseTo(2 / 3, 12);
    expect(m.contribution).toEqual({ BTCUSDT: 0.05, ETHUSDT: -0.03 });
  });
});

describe('forecast metrics', () => {
  it('ranks with ties averaged and computes Spearman correlation', () => {
    expect(Array.from(ranks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 1000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });

  it('scores direction hit rate and the mean cross-sectional information coefficient', () => {
    const m = forecastMetrics([
      { predicted: [0.01, -0.02, 0.03], realised: [0.02, -0.01, 0.05] }, // all signs right, ranks right: IC 1
      { predicted: [0.01, 0.02, 0.03], realised: [0.03, 0.02, -0.01] }, // 2 of 3 signs right, IC -1
    ]);
    expect(m.count).toBe(6);
    expect(m.hitRate).toBeCloseTo(5 / 6, 12);
    expect(m.informationCoefficient).toBeCloseTo(0, 12);
    expect(m.pooledInformationCoefficient).not.toBeNull();
  });
});
