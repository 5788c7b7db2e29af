// The run statistics against answers computed here independently: IC of perfectly (anti-)ranked
// forecasts, Qlib's mean / t / ICIR of a known IC series, the bootstrap interval's coverage of the true
// Sharpe of iid Gaussian returns, its width shrinking like 1/sqrt(n), the paired difference, the
// stationary bootstrap's mean block length, and seeded determinism.
import { describe, expect, it } from 'vitest';
import { mulberry32, normal } from '../../../src/main/core/market/simulator/prng';
import {
  annualisedSharpe,
  barReturns,
  informationCoefficients,
  sharpeDifferenceInterval,
  sharpeInterval,
  stationaryBootstrapIndex,
} from '../../../src/main/core/trading/statistics';

const P = 8760;

function gaussian(seed: number, n: number, mean: number, std: number): Float64Array {
  const rng = mulberry32(seed);
  return Float64Array.from({ length: n }, () => mean + std * normal(rng));
}

describe('information coefficients', () => {
  it('is 1 for a perfectly ranked forecast, -1 for a reversed one, and summarises as Qlib does', () => {
    const realised = [0.03, -0.01, 0.02, -0.04, 0.005];
    const perfect = realised.map((r) => 2 * r + 0.1); // a linear map: Pearson and Spearman both 1
    const reversed = realised.map((r) => -r);
    const monotone = realised.map((r) => Math.sign(r) * r * r); // ranks kept, not linear
    const single = informationCoefficients([{ predicted: perfect, realised }]);
    expect(single.ic.mean).toBeCloseTo(1, 12);
    expect(single.rankIc.mean).toBeCloseTo(1, 12);
    const m = informationCoefficients([{ predicted: monotone, realised }]);
    expect(m.rankIc.mean).toBeCloseTo(1, 12);
    expect(m.ic.mean!).toBeLessThan(1);

    const bars = [perfect, reversed, perfect].map((predicted) => ({ predicted, realised }));
    const { rankIc } = informationCoefficients(bars);
    // ICs 1, -1, 1: mean 1/3, sample std sqrt(4/3).
    const mean = 1 / 3;
    const std = Math.sqrt(((1 - mean) ** 2 * 2 + (-1 - mean) ** 2) / 2);
    expect(rankIc.count).toBe(3);
    expect(rankIc.mean).toBeCloseTo(mean, 12);
    expect(rankIc.std).toBeCloseTo(std, 12);
    expect(rankIc.icir).toBeCloseTo(mean / std, 12);
    expect(rankIc.tStat).toBeCloseTo(mean / (std / Math.sqrt(3)), 12);
  });

  it('skips cross-sections with fewer than 3 assets or no spread', () => {
    const result = informationCoefficients([
      { predicted: [1, 2], realised: [1, 2] },
      { predicted: [1, 1, 1], realised: [0.1, 0.2, 0.3] },
    ]);
    expect(result.ic.count).toBe(0);
    expect(result.ic.mean).toBeNull();
  });
});

describe('block bootstrap of the Sharpe ratio', () => {
  const options = { periodsPerYear: P, meanBlock: 24 };

  it('computes the annualised Sharpe of bar returns like the metrics', () => {
    const equity = [100, 101, 100.5, 102, 101];
    const r = barReturns(equity);
    const mean = r.reduce((s, x) => s + x, 0) / r.length;
    const std = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
    expect(annualisedSharpe(r, P)).toBeCloseTo((mean / std) * Math.sqrt(P), 9);
  });

  it('covers the true Sharpe of iid Gaussian returns in about 95% of samples', () => {
    const trueSharpe = (0.0005 / 0.01) * Math.sqrt(P); // 4.68 a year
    let covered = 0;
    const trials = 60;
    for (let t = 0; t < trials; t++) {
      const interval = sharpeInterval(gaussian(100 + t, 2000, 0.0005, 0.01), { ...options, seed: t + 1 });
      if (interval.low! <= trueSharpe && trueSharpe <= interval.high!) covered++;
    }
    expect(covered / trials).toBeGreaterThanOrEqual(0.85);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });

  it('narrows like 1 / sqrt(n): 16 times the bars, about a quarter of the width', () => {
    const width = (n: number) => {
      const i = sharpeInterval(gaussian(7, n, 0.0002, 0.01), options);
      return i.high! - i.low!;
    };
    const ratio = width(1000) / width(16_000);
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(5.5);
  });

  it('is seeded: the same seed gives the same interval, another seed a slightly different one', () => {
    const r = gaussian(3, 1500, 0.0003, 0.01);
    expect(sharpeInterval(r, { ...options, seed: 9 })).toEqual(sharpeInterval(r, { ...options, seed: 9 }));
    expect(sharpeInterval(r, { ...options, seed: 9 }).low).not.toBe(
      sharpeInterval(r, { ...options, seed: 10 }).low,
    );
  });

  it('draws blocks of mean length meanBlock', () => {
    const n = 50_000;
    const index = stationaryBootstrapIndex(n, 24, mulberry32(5), new Int32Array(n));
    let starts = 1;
    for (let k = 1; k < n; k++) if (index[k] !== (index[k - 1]! + 1) % n) starts++;
    expect(n / starts).toBeGreaterThan(22);
    expect(n / starts).toBeLessThan(26);
  });

  it('pairs the difference: shared market moves cancel, and a series against itself differs by exactly 0', () => {
    const market = gaussian(21, 3000, 0.0003, 0.01);
    const noiseA = gaussian(22, 3000, 0, 0.001);
    const noiseB = gaussian(23, 3000, 0, 0.001);
    const a = market.map((m, k) => m + noiseA[k]!);
    const b = market.map((m, k) => m + noiseB[k]!);
    const alone = sharpeInterval(a, options);
    const diff = sharpeDifferenceInterval(a, b, options);
    expect(diff.estimate).toBeCloseTo(annualisedSharpe(a, P)! - annualisedSharpe(b, P)!, 9);
    expect(diff.high! - diff.low!).toBeLessThan((alone.high! - alone.low!) / 4);
    const self = sharpeDifferenceInterval(a, a, options);
    expect([self.estimate, self.low, self.high]).toEqual([0, 0, 0]);
  });
});
