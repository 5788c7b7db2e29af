// The REST client's error handling with a scripted fetch: what is retried, how often, what is not.
import { describe, expect, it } from 'vitest';
import { BybitRest, type FetchLike, type HttpResponseLike } from '../../../src/main/core/market/bybit-rest';
import type { CoreError } from '../../../src/shared/errors';

const T0 = Date.UTC(2026, 0, 5, 0, 0);

function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseLike {
  return {
    status,
    headers: { get: (name) => headers[name.toLowerCase()] ?? null },
    text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

const ok = (list: unknown[], time = T0 + 3_600_000) =>
  response(200, { retCode: 0, retMsg: 'OK', result: { list }, time });

function scripted(answers: Array<HttpResponseLike | Error>): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: async (url) => {
      urls.push(url);
      const next = answers.shift() ?? new Error('no more answers');
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

const noSleep = async () => undefined;

describe('BybitRest', () => {
  it('sends category, symbol, interval, start, end and limit, and returns ascending candles', async () => {
    const { fetch, urls } = scripted([
      ok([
        [String(T0 + 60_000), '1', '2', '1', '2', '1', '1'],
        [String(T0), '1', '2', '1', '2', '1', '1'],
      ]),
    ]);
    const rest = new BybitRest({ baseUrl: 'http://x/', fetch, sleep: noSleep });
    const page = await rest.klines('BTCUSDT', '1', T0, T0 + 60_000, 2);
    expect(urls[0]).toBe(
      `http://x/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&start=${T0}&end=${T0 + 60_000}&limit=2`,
    );
    expect(page.candles.map((c) => c.openTime)).toEqual([T0, T0 + 60_000]);
  });

  it('retries network errors a bounded number of times, then fails with NETWORK naming the host', async () => {
    const { fetch, urls } = scripted(Array.from({ length: 10 }, () => new TypeError('fetch failed')));
    const waits: number[] = [];
    const rest = new BybitRest({
      baseUrl: 'http://x',
      fetch,
      sleep: noSleep,
      retry: { attempts: 4 },
      onRetry: (i) => waits.push(i.attempt),
    });
    const err = (await rest.serverTime().catch((e: unknown) => e)) as CoreError;
    expect(err.code).toBe('NETWORK');
    expect(err.message).toContain('http://x');
    expect(urls).toHaveLength(4);
    expect(waits).toEqual([0, 1, 2]);
  });

  it('does not retry parameter errors: 10001 on a symbol is UNKNOWN_SYMBOL, others EXCHANGE_ERROR with retMsg', async () => {
    const a = scripted([
      response(200, { retCode: 10001, retMsg: 'Not supported symbols', result: {}, time: T0 }),
    ]);
    const err = (await new BybitRest({ baseUrl: 'http://x', fetch: a.fetch, sleep: noSleep })
      .klines('NOPEUSDT', '1')
      .catch((e: unknown) => e)) as CoreError;
    expect(err.code).toBe('UNKNOWN_SYMBOL');
    expect(err.message).toContain('NOPEUSDT');
    expect(a.urls).toHaveLength(1);
    const b = scripted([response(200, { retCode: 10001, retMsg: 'Invalid period!', result: {}, time: T0 })]);
    const err2 = (await new BybitRest({ baseUrl: 'http://x', fetch: b.fetch, sleep: noSleep })
      .klines('BTCUSDT', '1')
      .catch((e: unknown) => e)) as CoreError;
    expect(err2.code).toBe('EXCHANGE_ERROR');
    expect(err2.message).toContain('Invalid period!');
    expect(b.urls).toHaveLength(1);
  });

  it('waits at least until X-Bapi-Limit-Reset-Timestamp on 10006, and retries 429 and 10016', async () => {
    const { fetch, urls } = scripted([
      response(
        200,
        { retCode: 10006, retMsg: 'Too many visits!', result: {}, time: T0 },
        { 'x-bapi-limit-reset-timestamp': String(T0 + 700) },
      ),
      response(429, 'slow down'),
      response(200, { retCode: 10016, retMsg: 'Request timeout', result: {}, time: T0 }),
      ok([]),
    ]);
    const waits: number[] = [];
    const rest = new BybitRest({
      baseUrl: 'http://x',
      fetch,
      sleep: noSleep,
      now: () => T0,
      random: () => 0,
      onRetry: (i) => waits.push(i.waitMs),
    });
    await rest.klines('BTCUSDT', '1', T0, T0);
    expect(urls).toHaveLength(4);
    expect(waits).toEqual([700, 0, 0]);
  });

  it('gives up on a sick page of klines instead of storing part of it', async () => {
    const { fetch } = scripted([ok([[String(T0), '1', '2', '1', '2', '1', '1'], ['oops']])]);
    const err = (await new BybitRest({ baseUrl: 'http://x', fetch, sleep: noSleep })
      .klines('BTCUSDT', '1')
      .catch((e: unknown) => e)) as CoreError;
    expect(err.code).toBe('EXCHANGE_ERROR');
    expect(err.message).toMatch(/row 1/);
  });

  it('honours an aborted signal while backing off', async () => {
    const controller = new AbortController();
    const { fetch, urls } = scripted([response(503, 'down'), response(503, 'down'), ok([])]);
    const rest = new BybitRest({
      baseUrl: 'http://x',
      fetch,
      retry: { baseMs: 10_000, maxMs: 10_000 },
      random: () => 1,
      onRetry: () => setTimeout(() => controller.abort(), 10),
    });
    const err = (await rest
      .klines('BTCUSDT', '1', T0, T0, 1, controller.signal)
      .catch((e: unknown) => e)) as CoreError;
    expect(err.code).toBe('CANCELLED');
    expect(urls).toHaveLength(1);
  });

  it('pages a range forward up to the server clock when no end is given', async () => {
    const rows = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => [
        String(from + (n - 1 - i) * 60_000),
        '1',
        '1',
        '1',
        '1',
        '1',
        '1',
      ]);
    const now = T0 + 4 * 60_000 + 30_000; // bars T0..T0+4min exist, the last one forming
    const { fetch, urls } = scripted([ok(rows(T0, 3), now), ok(rows(T0 + 3 * 60_000, 2), now)]);
    const rest = new BybitRest({ baseUrl: 'http://x', fetch, sleep: noSleep });
    const all = await rest.klineRange('BTCUSDT', '1', T0, undefined, { limit: 3 });
    expect(urls).toHaveLength(2);
    expect(all.map((c) => c.confirmed)).toEqual([true, true, true, true, false]);
  });
});
