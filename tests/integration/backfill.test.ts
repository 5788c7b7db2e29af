// Backfill against the real simulator over loopback: many pages with exact inclusive boundaries,
// bounded and backed-off retries on rate limits, unknown symbols, cancellation.
import { afterEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/shared/errors';
import { intervalMs } from '../../src/shared/domain';
import { startSimulator, type Simulator } from '../../src/main/core/market/simulator';
import { BybitRest } from '../../src/main/core/market/bybit-rest';
import { backfill } from '../../src/main/core/market/backfill';
import { plain, SIM_START, tempStore, type TempStore } from './market-helpers';

const MINUTE = intervalMs('1');
let simulator: Simulator | null = null;
let store: TempStore | null = null;

afterEach(async () => {
  await simulator?.close();
  simulator = null;
  store?.dispose();
  store = null;
});

async function setup(options: Parameters<typeof startSimulator>[0] = {}) {
  simulator = await startSimulator({
    port: 0,
    seed: 11,
    interval: '1',
    symbols: ['BTCUSDT', 'ETHUSDT'],
    historyBars: 6000,
    startTime: SIM_START,
    barMs: 60_000,
    restRateLimit: null,
    ...options,
  });
  store = tempStore();
  return { simulator, store };
}

describe('backfill', () => {
  it('downloads 5,000+ one-minute bars over many pages with exact inclusive boundaries', async () => {
    const { simulator, store } = await setup();
    const truth = simulator.truth('BTCUSDT');
    expect(truth.length).toBeGreaterThanOrEqual(6000);
    // Unaligned from/to: the bar containing `from` is included, nothing after `to`.
    const from = truth[150]!.openTime + 17_345;
    const to = truth[5600]!.openTime + 42_001;
    const rest = new BybitRest({ baseUrl: simulator.restUrl });
    const progress: number[] = [];
    const job = {
      signal: new AbortController().signal,
      progress: (done: number) => void progress.push(done),
    };

    const result = await backfill(
      store.repo,
      rest,
      { feed: 'simulator', symbols: ['BTCUSDT'], interval: '1', from, to },
      job,
    );

    const expected = truth.slice(150, 5601);
    const stored = store.repo.range(
      { feed: 'simulator', symbol: 'BTCUSDT', interval: '1' },
      { includeUnconfirmed: true },
    );
    expect(stored.map(plain)).toEqual(expected.map(plain));
    expect(result.written.BTCUSDT).toBe(5451);
    expect(result.pages).toBe(6);
    expect(progress.at(-1)).toBe(5451);
    // instruments + time + 6 pages
    expect(rest.requests).toBe(8);

    // A second run finds nothing missing and asks for no page.
    const again = new BybitRest({ baseUrl: simulator.restUrl });
    const rerun = await backfill(store.repo, again, {
      feed: 'simulator',
      symbols: ['BTCUSDT'],
      interval: '1',
      from,
      to,
    });
    expect(rerun.pages).toBe(0);
    expect(again.requests).toBe(2);
  });

  it('fills only the holes of a partly stored range', async () => {
    const { simulator, store } = await setup();
    const truth = simulator.truth('ETHUSDT');
    const key = { feed: 'simulator', symbol: 'ETHUSDT', interval: '1' as const };
    const rest = new BybitRest({ baseUrl: simulator.restUrl });
    await backfill(store.repo, rest, {
      feed: 'simulator',
      symbols: ['ETHUSDT'],
      interval: '1',
      from: truth[0]!.openTime,
      to: truth[2999]!.openTime,
    });
    // Punch holes by deleting and re-writing all but a few bars.
    const kept = store.repo.range(key).filter((_, i) => i % 700 !== 5);
    store.repo.deleteSeries(key);
    store.repo.upsert(
      key,
      kept.map((c) => ({ ...c, updatedAt: 1 })),
    );
    const resume = new BybitRest({ baseUrl: simulator.restUrl });
    const result = await backfill(store.repo, resume, {
      feed: 'simulator',
      symbols: ['ETHUSDT'],
      interval: '1',
      from: truth[0]!.openTime,
      to: truth[2999]!.openTime,
    });
    expect(store.repo.range(key).map(plain)).toEqual(truth.slice(0, 3000).map(plain));
    expect(result.missing).toBeLessThan(3000);
    expect(result.pages).toBeLessThanOrEqual(3);
  });

  it('stops the feed for 10 minutes on HTTP 403 without retrying, and says until when', async () => {
    const { simulator, store } = await setup();
    simulator.setFaults({ rest403: 100 });
    const retries: number[] = [];
    const rest = new BybitRest({
      baseUrl: simulator.restUrl,
      retry: { attempts: 5, baseMs: 20, maxMs: 1000 },
      onRetry: (info) => retries.push(info.waitMs),
    });
    const request = {
      feed: 'simulator',
      symbols: ['BTCUSDT'],
      interval: '1' as const,
      from: SIM_START - 100 * MINUTE,
      to: SIM_START,
    };
    const before = simulator.stats().restRequests;
    const startedAt = Date.now();
    const error = await backfill(store.repo, rest, request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('RATE_LIMITED');
    const message = (error as CoreError).message;
    expect(message).toMatch(/HTTP 403/);
    expect(message).toMatch(/for 10 minutes, until \d\d:\d\d:\d\d UTC \((9|10) min \d+ s from now\)/);
    const until = (error as CoreError).details as { stoppedUntil: number };
    expect(until.stoppedUntil - startedAt).toBeGreaterThanOrEqual(10 * 60_000 - 50);
    expect(until.stoppedUntil - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    // One request, never retried: retrying a ban only extends it.
    expect(simulator.stats().restRequests - before).toBe(1);
    expect(retries).toEqual([]);
    // Any later call to that feed, from any client of this process, sends nothing and says so.
    simulator.setFaults({ rest403: 0 });
    const again = await backfill(store.repo, new BybitRest({ baseUrl: simulator.restUrl }), request).catch(
      (e: unknown) => e,
    );
    expect((again as CoreError).code).toBe('RATE_LIMITED');
    expect((again as CoreError).message).toMatch(/refused a request with HTTP 403 at .* UTC.*until/);
    expect(simulator.stats().restRequests - before).toBe(1);
    expect(store.repo.listSeries()).toEqual([]);
  });

  it('rides out a burst of retCode 10006, waiting until the X-Bapi-Limit-Reset-Timestamp, and completes', async () => {
    const { simulator, store } = await setup();
    simulator.setFaults({ rest10006: 3 });
    const waits: number[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const rest = new BybitRest({
      baseUrl: simulator.restUrl,
      retry: { attempts: 6, baseMs: 10, maxMs: 1500 },
      random,
      onRetry: (info) => waits.push(info.waitMs),
    });
    const truth = simulator.truth('BTCUSDT');
    await backfill(store.repo, rest, {
      feed: 'simulator',
      symbols: ['BTCUSDT'],
      interval: '1',
      from: truth[0]!.openTime,
      to: truth[1999]!.openTime,
    });
    expect(waits).toHaveLength(3);
    // The simulator says the limit resets 1 s after the refusal: the client waits for it (a jittered
    // backoff alone would retry after at most 10, 20, 40 ms), never longer than maxMs.
    for (const wait of waits) {
      expect(wait).toBeGreaterThan(500);
      expect(wait).toBeLessThanOrEqual(1000);
    }
    // 3 refused + instruments + time + 2 pages: no storm.
    expect(rest.requests).toBe(7);
    expect(simulator.faultCounts().rest10006).toBe(3);
    const stored = store.repo.range({ feed: 'simulator', symbol: 'BTCUSDT', interval: '1' });
    expect(stored.map(plain)).toEqual(truth.slice(0, 2000).map(plain));
  });

  it('rejects an unknown symbol with UNKNOWN_SYMBOL before writing anything', async () => {
    const { simulator, store } = await setup();
    const rest = new BybitRest({ baseUrl: simulator.restUrl });
    const error = await backfill(store.repo, rest, {
      feed: 'simulator',
      symbols: ['BTCUSDT', 'NOPEUSDT'],
      interval: '1',
      from: SIM_START - 100 * MINUTE,
      to: SIM_START,
    }).catch((e: unknown) => e);
    expect((error as CoreError).code).toBe('UNKNOWN_SYMBOL');
    expect((error as CoreError).message).toContain('NOPEUSDT');
    expect(store.repo.listSeries()).toEqual([]);
    // The kline endpoint refuses it too (retCode 10001, not retried).
    const page = await rest.klines('NOPEUSDT', '1', SIM_START - MINUTE, SIM_START).catch((e: unknown) => e);
    expect((page as CoreError).code).toBe('UNKNOWN_SYMBOL');
  });

  it('stops at the next page when the job signal aborts, keeping whole pages only', async () => {
    const { simulator, store } = await setup();
    const truth = simulator.truth('BTCUSDT');
    const controller = new AbortController();
    const rest = new BybitRest({ baseUrl: simulator.restUrl });
    const job = {
      signal: controller.signal,
      progress: (done: number) => {
        if (done >= 2000) controller.abort();
      },
    };
    const error = await backfill(
      store.repo,
      rest,
      {
        feed: 'simulator',
        symbols: ['BTCUSDT'],
        interval: '1',
        from: truth[0]!.openTime,
        to: truth[5999]!.openTime,
      },
      job,
    ).catch((e: unknown) => e);
    expect((error as CoreError).code).toBe('CANCELLED');
    const stored = store.repo.range({ feed: 'simulator', symbol: 'BTCUSDT', interval: '1' });
    expect(stored.map(plain)).toEqual(truth.slice(0, 2000).map(plain));
  });
});
