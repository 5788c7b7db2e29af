import { describe, expect, it } from 'vitest';
import { resolveFeed, resolveRestUrl } from '../../../src/main/core/market/feeds';
import type { CoreError } from '../../../src/shared/errors';

describe('feeds', () => {
  it('knows Bybit mainnet and testnet, linear category', () => {
    expect(resolveFeed('bybit')).toEqual({
      feed: 'bybit',
      restUrl: 'https://api.bybit.com',
      wsUrl: 'wss://stream.bybit.com/v5/public/linear',
    });
    expect(resolveFeed('bybit-testnet')).toMatchObject({
      restUrl: 'https://api-testnet.bybit.com',
      wsUrl: 'wss://stream-testnet.bybit.com/v5/public/linear',
    });
  });

  it('lets call params override any feed, but settings URLs only the simulator and custom feeds', () => {
    const explicit = { restUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1/v5/public/linear' };
    const settings = { restUrl: 'http://leftover', wsUrl: 'ws://leftover' };
    expect(resolveFeed('bybit', explicit, settings)).toMatchObject(explicit);
    expect(resolveFeed('bybit', {}, settings).restUrl).toBe('https://api.bybit.com');
    expect(resolveFeed('simulator', {}, settings)).toMatchObject(settings);
    expect(resolveFeed('myfeed', {}, settings)).toMatchObject(settings);
    expect(resolveRestUrl('myfeed', {}, settings)).toBe('http://leftover');
  });

  it('asks for --rest-url/--ws-url for a custom feed without URLs', () => {
    const err = (() => {
      try {
        resolveFeed('myfeed', { restUrl: 'http://x' });
      } catch (e) {
        return e as CoreError;
      }
    })();
    expect(err?.code).toBe('INVALID_PARAMS');
    expect(err?.message).toMatch(/--rest-url and --ws-url/);
    expect(() => resolveRestUrl('simulator')).toThrow(/simulator/);
  });
});
