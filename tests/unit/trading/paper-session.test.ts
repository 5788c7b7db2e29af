// The paper account's messages when the app moves on without it, and the demo feed's continuation of a
// stored series: pure functions, checked on their own.
import { describe, expect, it } from 'vitest';
import { continuation } from '../../../src/main/core/embedded-feed';
import { seriesChangeNotice } from '../../../src/main/core/trading/paper-session';
import { intervalName } from '../../../src/shared/domain';

const HOUR = 3_600_000;
const account = { feed: 'simulator', symbols: ['BTCUSDT', 'ETHUSDT'], interval: '60' as const };

describe('seriesChangeNotice', () => {
  it('is null while the settings name the account’s series', () => {
    expect(seriesChangeNotice(account, { ...account, interval: '60' }, 0)).toBeNull();
  });

  it('names what changed, in the window’s interval names, with the time it stopped', () => {
    const notice = seriesChangeNotice(account, { ...account, interval: '15' }, Date.UTC(2026, 0, 2, 3, 4));
    expect(notice).toBe(
      'Stopped at 2026-01-02 03:04 UTC: the interval changed to 15m (this account trades 1h), so no more bars of ' +
        'its series arrive. Resume it after switching back, or start afresh on the new settings.',
    );
    expect(seriesChangeNotice(account, { ...account, symbols: ['BTCUSDT'], feed: 'bybit' }, 0)).toMatch(
      /symbols changed to BTCUSDT; the feed changed to bybit/,
    );
  });

  it('names intervals as the window does', () => {
    expect(['1', '15', '60', '240', 'D', 'W', 'M'].map(intervalName)).toEqual(['1m', '15m', '1h', '4h', '1D', '1W', '1Mo']);
  });
});

describe('continuation of the demo history', () => {
  const now = Date.UTC(2026, 0, 10);

  it('starts a fresh store with the usual history ending now', () => {
    expect(continuation('60', null, now)).toMatchObject({ startTime: now, historyBars: 1000, startPrices: {} });
  });

  it('continues right after the last stored bar, from its closes, when that bar is ahead of the clock', () => {
    const end = { openTime: now + 500 * HOUR, closes: { BTCUSDT: 55_050.7 } };
    const next = continuation('60', end, now);
    expect(next).toMatchObject({ startTime: end.openTime + HOUR, historyBars: 0, startPrices: end.closes });
  });

  it('fills the time since the last stored bar from its closes, at most the usual history', () => {
    const recent = continuation('60', { openTime: now - 10 * HOUR, closes: { BTCUSDT: 1 } }, now);
    expect(recent).toMatchObject({ startTime: now, historyBars: 9 });
    const old = continuation('60', { openTime: now - 5000 * HOUR, closes: { BTCUSDT: 1 } }, now);
    expect(old).toMatchObject({ startTime: now, historyBars: 1000, startPrices: { BTCUSDT: 1 } });
  });

  it('draws a new path on each run rather than replaying the last one', () => {
    const a = continuation('60', { openTime: now, closes: {} }, now).seed;
    const b = continuation('60', { openTime: now + HOUR, closes: {} }, now).seed;
    expect(a).not.toBe(b);
    expect(Number.isInteger(a) && a > 0).toBe(true);
  });
});
