// Backtest figures in the window: never in exponent notation, however absurd an annualised figure.
import { describe, expect, it } from 'vitest';
import {
  formatPercent,
  formatRatio,
  formatWithInterval,
} from '../../../src/renderer/src/components/backtests/format';

describe('backtest figure formatting', () => {
  it('prints huge figures whole, with grouped digits, never with an exponent', () => {
    // The "+5.1e+10%": a CAGR of 5.1e8 on the simulator's accelerated month.
    expect(formatPercent(5.1e8)).toBe('+51,000,000,000%');
    expect(formatRatio(-3.2e22)).not.toMatch(/e/i);
    for (const v of [1e3, 1e5, 1e12, 1e21, 1e25, -7.7e30]) {
      expect(formatPercent(v)).not.toMatch(/e/i);
      expect(formatRatio(v)).not.toMatch(/e/i);
    }
    expect(formatPercent(0.0123)).toBe('+1.23%');
  });

  it('shows an estimate with its 95% interval, or alone when there is none', () => {
    expect(formatWithInterval(1.234, { low: -0.5, high: 2.96 })).toBe('1.23 [-0.50, 2.96]');
    expect(formatWithInterval(1.234, { low: null, high: null })).toBe('1.23');
    expect(formatWithInterval(null, undefined)).toBe('—');
  });
});
