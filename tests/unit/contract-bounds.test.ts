// The contract bounds what one call may ask for before any work starts: candle pages, URL schemes
// of the settings and the stream (backfill plans: request-limits.ts).
import { describe, expect, it } from 'vitest';
import { calls } from '../../src/shared/contract';
import { MAX_CANDLES_PAGE } from '../../src/shared/contract/market';

function issues(method: keyof typeof calls, params: unknown): string[] {
  const parsed = calls[method].params.safeParse(params);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('pages and URLs', () => {
  it('bounds market.candles to a page, and defaults to the page size', () => {
    const key = { feed: 'bybit', symbol: 'BTCUSDT', interval: '60' };
    expect(issues('market.candles', { ...key, limit: MAX_CANDLES_PAGE + 1 })).toHaveLength(1);
    const parsed = calls['market.candles'].params.parse(key);
    expect(parsed.limit).toBe(MAX_CANDLES_PAGE);
  });

  it('bounds paper.equity to a page of marks, the default', () => {
    expect(issues('paper.equity', { limit: 10_001 })).toHaveLength(1);
    expect(calls['paper.equity'].params.parse({}).limit).toBe(10_000);
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
    // Not a URL at all: an issue, not a throw from inside the schema.
    expect(issues('settings.set', { wsUrl: 'not a url' }).length).toBeGreaterThan(0);
  });
});
