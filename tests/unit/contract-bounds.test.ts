// The contract bounds what one call may ask for before any work starts: backfill plans, candle
// pages, URL schemes of the settings and the stream.
import { describe, expect, it } from 'vitest';
import { calls } from '../../src/shared/contract';
import { MAX_CANDLES_PAGE } from '../../src/shared/contract/market';
import { MAX_BACKFILL_BARS, plannedBars } from '../../src/shared/backfill-plan';

const YEAR = 365 * 86_400_000;
const FROM = Date.UTC(2020, 0, 1);

function issues(method: keyof typeof calls, params: unknown): string[] {
  const parsed = calls[method].params.safeParse(params);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('backfill plans', () => {
  it('refuses a plan of more than 10M bars with its size, counting a repeated symbol once', () => {
    const twelve = Array.from({ length: 12 }, () => 'BTCUSDT');
    const plan = { feed: 'bybit', symbols: twelve, interval: '1' as const, from: FROM, to: FROM + 57 * YEAR };
    const found = issues('market.backfill', plan);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^from: the range plans 29,959,201 bars \(1 symbols\)/);
    expect(plannedBars(plan)).toBeGreaterThan(MAX_BACKFILL_BARS);
    expect(issues('market.backfill', { ...plan, to: FROM + YEAR })).toEqual([]);
  });

  it('refuses more than 20 distinct symbols', () => {
    const symbols = Array.from({ length: 21 }, (_, i) => `S${i}USDT`);
    expect(
      issues('market.backfill', { feed: 'bybit', symbols, interval: '60', from: FROM, to: FROM })[0],
    ).toMatch(/^symbols: at most 20 symbols/);
  });
});

describe('pages and URLs', () => {
  it('bounds market.candles to a page, and defaults to the page size', () => {
    const key = { feed: 'bybit', symbol: 'BTCUSDT', interval: '60' };
    expect(issues('market.candles', { ...key, limit: MAX_CANDLES_PAGE + 1 })).toHaveLength(1);
    const parsed = calls['market.candles'].params.parse(key);
    expect(parsed.limit).toBe(MAX_CANDLES_PAGE);
  });

  it('accepts only ws(s) for websocket URLs and http(s) for REST URLs, in the settings and the stream', () => {
    for (const bad of ['http://127.0.0.1:1/ws', 'javascript:alert(1)', 'file:///etc/passwd'])
      expect(issues('settings.set', { wsUrl: bad }), bad).toHaveLength(1);
    for (const bad of ['ws://127.0.0.1:1', 'file:///etc/passwd', 'javascript:alert(1)'])
      expect(issues('settings.set', { restUrl: bad }), bad).toHaveLength(1);
    expect(
      issues('settings.set', {
        wsUrl: 'wss://stream.bybit.com/v5/public/linear',
        restUrl: 'https://api.bybit.com',
      }),
    ).toEqual([]);
    expect(issues('market.stream.start', { wsUrl: 'http://127.0.0.1:1' })).toHaveLength(1);
  });
});
