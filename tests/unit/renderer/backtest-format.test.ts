// A Sharpe ratio with its bootstrap interval, as the run page shows it: never in exponent notation.
import { describe, expect, it } from 'vitest';
import { formatWithInterval } from '../../../src/renderer/src/format';

describe('estimates with their interval', () => {
  it('shows an estimate with its 95% interval, or alone when there is none', () => {
    expect(formatWithInterval(1.234, { low: -0.5, high: 2.96 })).toBe('1.23 [-0.50, 2.96]');
    expect(formatWithInterval(1.234, { low: null, high: null })).toBe('1.23');
    expect(formatWithInterval(null, undefined)).toBe('—');
  });

  it('never prints an exponent, however absurd the figures', () => {
    for (const v of [1e5, 1e12, 1e21, -7.7e30]) {
      expect(formatWithInterval(v, { low: -v, high: 2 * v })).not.toMatch(/\de[+-]?\d/i);
    }
  });
});
