import { describe, expect, it } from 'vitest';
import {
  feeFromPercentInput,
  feeToPercentInput,
  formatBps,
  formatChange,
  formatCompact,
  formatCount,
  formatDate,
  formatDateTime,
  formatDuration,
  formatFee,
  formatInterval,
  formatMoney,
  formatNumber,
  formatPercent,
  formatPnl,
  formatPrice,
  formatProgress,
  formatQuantity,
  formatRatio,
  formatSignedAmount,
  formatSignificant,
  formatSpan,
  parseUtcInput,
  signClass,
  toUtcInput,
} from '../../../src/renderer/src/format';

const EXPONENT = /\d(\.\d+)?e[+-]?\d/i;
const T = Date.UTC(2024, 4, 1, 12, 5);

describe('the window’s one format', () => {
  it('writes money with its currency and separators, P&L signed', () => {
    expect(formatMoney(12345.678)).toBe('12,345.68 USDT');
    expect(formatMoney(-0.004)).toBe('0.00 USDT');
    expect(formatPnl(1234.5)).toBe('+1,234.50 USDT');
    expect(formatPnl(-12)).toBe('-12.00 USDT');
    expect(formatPnl(0.001)).toBe('0.00 USDT');
    expect(formatSignedAmount(-3.2)).toBe('-3.20');
    expect(formatMoney(Number.NaN)).toBe('—');
  });

  it('gives every percentage two decimals, signed unless asked not to', () => {
    expect(formatPercent(0.1234)).toBe('+12.34%');
    expect(formatPercent(-0.05)).toBe('-5.00%');
    expect(formatPercent(0.00001)).toBe('0.00%');
    expect(formatPercent(0.4815, false)).toBe('48.15%');
    expect(formatChange(100, 100.42)).toBe('+0.42%');
    expect(formatProgress(0.456)).toBe('45%');
    expect(formatPercent(null)).toBe('—');
  });

  it('never writes exponent notation, however large or small the figure', () => {
    // A CAGR annualised from a short, strong run; a quantity of a cheap coin; a small learning rate.
    const texts = [
      formatPercent(5.1e8),
      formatRatio(123456789),
      formatQuantity(43190),
      formatQuantity(0.00001234),
      formatSignificant(0.000125),
      formatSignificant(1e-7),
      formatNumber(1e15),
      formatCompact(2.5e9),
      formatPrice(0.00004321),
    ];
    for (const text of texts) expect(text, text).not.toMatch(EXPONENT);
    expect(formatPercent(5.1e8)).toBe('+51B%');
    expect(formatQuantity(43190)).toBe('43,190.0');
    expect(formatSignificant(0.000125)).toBe('0.000125');
  });

  it('shows and takes fees in percent of notional and slippage in bps', () => {
    expect(formatFee(0.00055)).toBe('0.055%');
    expect(feeToPercentInput(0.00055)).toBe('0.055');
    expect(feeFromPercentInput(0.055)).toBe(0.00055);
    expect(formatBps(2)).toBe('2.0 bps');
  });

  it('names intervals as the app does', () => {
    expect(formatInterval('60')).toBe('1h');
    expect(formatInterval('240')).toBe('4h');
    expect(formatInterval('15')).toBe('15m');
    expect(formatInterval('D')).toBe('1D');
    expect(formatSpan(60 * 3_600_000)).toBe('60h');
    expect(formatSpan(3 * 86_400_000)).toBe('3D');
  });

  it('writes one UTC date-time style and reads it back from inputs, never the US order', () => {
    expect(formatDateTime(T)).toBe('2024-05-01 12:05 UTC');
    expect(formatDate(T)).toBe('2024-05-01');
    expect(toUtcInput(T)).toBe('2024-05-01 12:05');
    expect(parseUtcInput(toUtcInput(T))).toBe(T);
    expect(parseUtcInput('2024-05-01T12:05')).toBe(T);
    expect(parseUtcInput('2024-05-01')).toBe(Date.UTC(2024, 4, 1));
    expect(parseUtcInput('05/01/2024 12:05')).toBeNull();
    expect(parseUtcInput('2024-02-31')).toBeNull();
    expect(parseUtcInput('')).toBeNull();
  });

  it('says how long in one style', () => {
    expect(formatDuration(950)).toBe('950 ms');
    expect(formatDuration(4_600)).toBe('4.6 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(60 * 3_600_000)).toBe('2.5 d');
  });

  it('counts with separators and classes signs', () => {
    expect(formatCount(1234567.4)).toBe('1,234,567');
    expect(signClass(2)).toBe('is-up');
    expect(signClass(-2)).toBe('is-down');
    expect(signClass(0)).toBe('');
  });
});
