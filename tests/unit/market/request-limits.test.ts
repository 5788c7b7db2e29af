// The one bound on what a market call may ask of an exchange: symbols deduplicated, at most 20, and a
// range planning more than 10 million bars refused with its size in the message.
import { describe, expect, it } from 'vitest';
import { boundMarketRequest } from '../../../src/main/core/market/request-limits';
import type { CoreError } from '../../../src/shared/errors';

const YEAR_OF_MINUTES = 365 * 24 * 60;
const T0 = Date.UTC(2020, 0, 1);

function refusal(f: () => unknown): CoreError {
  try {
    f();
  } catch (err) {
    return err as CoreError;
  }
  throw new Error('not refused');
}

describe('boundMarketRequest', () => {
  it('deduplicates symbols in their first order and counts the bars of the range', () => {
    const bounded = boundMarketRequest({
      symbols: ['ETHUSDT', 'BTCUSDT', 'ETHUSDT'],
      interval: '60',
      from: T0 + 1234,
      to: T0 + 23 * 3_600_000,
    });
    expect(bounded).toEqual({ symbols: ['ETHUSDT', 'BTCUSDT'], barsPerSymbol: 24, plannedBars: 48 });
  });

  it('refuses more than 20 different symbols, and none', () => {
    const symbols = Array.from({ length: 21 }, (_, i) => `S${i}USDT`);
    const error = refusal(() => boundMarketRequest({ symbols, interval: '60' }));
    expect(error.code).toBe('INVALID_PARAMS');
    expect(error.message).toMatch(/^21 different symbols in one call; at most 20/);
    expect(
      boundMarketRequest({ symbols: [...symbols.slice(0, 20), 'S0USDT'], interval: '60' }).symbols,
    ).toHaveLength(20);
    expect(refusal(() => boundMarketRequest({ symbols: [], interval: '1' })).code).toBe('INVALID_PARAMS');
  });

  it('refuses a range planning more than 10 million bars, with its size', () => {
    const to = T0 + 10 * YEAR_OF_MINUTES * 60_000 - 60_000;
    // 2 symbols × 10 years of minutes = 10,512,000 bars.
    const error = refusal(() =>
      boundMarketRequest({ symbols: ['BTCUSDT', 'ETHUSDT'], interval: '1', from: T0, to }),
    );
    expect(error.message).toContain('The range plans 10,512,000 bars (2 symbols × 5,256,000 bars of 1)');
    expect(error.details).toMatchObject({ plannedBars: 10_512_000, max: 10_000_000 });
    // One symbol over the same range fits.
    expect(boundMarketRequest({ symbols: ['BTCUSDT'], interval: '1', from: T0, to }).plannedBars).toBe(
      5_256_000,
    );
  });
});
