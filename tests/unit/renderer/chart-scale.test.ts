import { describe, expect, it } from 'vitest';
import { ticks } from '../../../src/renderer/src/components/charts/scale';

describe('chart axis ticks', () => {
  it('puts round values inside the range: whole epochs, not 1 1.8 2.5', () => {
    expect(ticks(1, 4, 4)).toEqual([1, 2, 3, 4]);
    expect(ticks(0.93, 1.27, 4)).toEqual([1, 1.1, 1.2]);
    expect(ticks(-0.034, 0.012, 4)).toEqual([-0.03, -0.02, -0.01, 0, 0.01]);
  });

  it('steps by 1, 2 or 5 times a power of ten and keeps about the number asked for', () => {
    for (const [lo, hi] of [
      [0, 97],
      [1_700_000_000_000, 1_700_500_000_000],
      [12.5, 12.52],
    ] as const) {
      const values = ticks(lo, hi, 4);
      expect(values.length).toBeGreaterThanOrEqual(2);
      expect(values.length).toBeLessThanOrEqual(9);
      const step = values[1]! - values[0]!;
      const mantissa = step / 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
      for (const v of values) expect(v >= lo && v <= hi).toBe(true);
    }
  });

  it('gives the one value of an empty range', () => {
    expect(ticks(5, 5, 4)).toEqual([5]);
  });
});
