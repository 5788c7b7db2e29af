// The market handlers as the core composes them, through the contract's dispatch: live stream from
// the simulator with status and candle events, stored reads, backfill as a job, CSV import, and an
// unreachable exchange that reports itself offline instead of hanging.
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type EventPayload, type Settings } from '../../src/shared/contract';
import type { CoreError } from '../../src/shared/errors';
import { domainDispatch } from '../support/domain-dispatch';
import { systemClock } from '../../src/main/core/clock';
import { CoreEvents } from '../../src/main/core/events';
import { JobRegistry } from '../../src/main/core/jobs';
import { createMarketHandlers } from '../../src/main/core/market/handlers';
import { startSimulator, type Simulator } from '../../src/main/core/market/simulator';
import { plain, SIM_START, tempStore, type TempStore } from './market-helpers';

let simulator: Simulator | null = null;
let store: TempStore | null = null;
let close: (() => Promise<void>) | null = null;

afterEach(async () => {
  await close?.();
  await simulator?.close();
  store?.dispose();
  simulator = store = close = null;
});

function setup(settings: Partial<Settings> = {}) {
  store = tempStore();
  const events = new CoreEvents();
  const market = createMarketHandlers({
    candles: store.repo,
    settings: () => ({ ...DEFAULT_SETTINGS, ...settings }),
    events,
    jobs: new JobRegistry(events),
    clock: systemClock,
    backend: () => 'cpu',
    tuning: {
      stream: { reconnect: { baseMs: 20, maxMs: 100 }, offlineAfterAttempts: 2 },
      rest: { retry: { attempts: 2, baseMs: 10, maxMs: 20 } },
    },
  });
  close = market.close;
  const dispatch = domainDispatch(market.handlers);
  const call = (method: string, params: unknown) =>
    dispatch(method, params, { signal: new AbortController().signal });
  return { store, events, call };
}

function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (check()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error('condition not met in time'));
      }
    }, 10);
  });
}

describe('market handlers', () => {
  it('streams from the settings feed, emits status and candle events, and serves what it stored', async () => {
    simulator = await startSimulator({
      port: 0,
      seed: 2,
      interval: '1',
      symbols: ['BTCUSDT', 'ETHUSDT'],
      historyBars: 50,
      startTime: SIM_START,
      barMs: 100,
      restRateLimit: null,
    });
    const { store, events, call } = setup({
      feed: 'sim-test',
      symbols: ['BTCUSDT', 'ETHUSDT'],
      interval: '1',
      restUrl: simulator.restUrl,
      wsUrl: simulator.wsUrl,
    });
    const statuses: EventPayload<'market.status'>[] = [];
    const candles: EventPayload<'market.candle'>[] = [];
    events.on('market.status', (s) => statuses.push(s));
    events.on('market.candle', (c) => candles.push(c));

    const started = (await call('market.stream.start', {})) as EventPayload<'market.status'>;
    expect(started).toMatchObject({
      feed: 'sim-test',
      interval: '1',
      symbols: ['BTCUSDT', 'ETHUSDT'],
      backend: 'cpu',
    });
    await simulator.waitForLiveBars(5);
    await until(() =>
      candles.some(
        (c) => c.symbol === 'ETHUSDT' && c.candle.confirmed && c.candle.openTime >= SIM_START + 3 * 60_000,
      ),
    );
    const live = (await call('market.status', {})) as EventPayload<'market.status'>;
    expect(live.connection).toBe('live');
    expect(live.reason).toBeNull();
    expect(live.lastFrameAt).not.toBeNull();
    // The frame time follows the frames (a new bar every 100 ms), not the last change of state.
    const framesBefore = candles.length;
    await until(() => candles.length >= framesBefore + 4);
    const later = (await call('market.status', {})) as EventPayload<'market.status'>;
    expect(later.lastFrameAt!).toBeGreaterThan(live.lastFrameAt!);
    expect(later.lastFrameAgeMs!).toBeLessThan(2_000);
    expect(statuses.map((s) => s.connection)).toContain('live');
    expect(candles[0]).toMatchObject({ feed: 'sim-test', interval: '1' });
    expect(candles[0]!.candle).not.toHaveProperty('updatedAt');

    const stopped = (await call('market.stream.stop', {})) as EventPayload<'market.status'>;
    expect(stopped.connection).toBe('idle');
    expect(statuses.at(-1)!.connection).toBe('idle');

    // The initial fill brought history; everything confirmed equals the truth up to what was stored.
    const stored = (await call('market.candles', {
      feed: 'sim-test',
      symbol: 'BTCUSDT',
      interval: '1',
      includeUnconfirmed: false,
    })) as never[];
    const truth = simulator.truth('BTCUSDT');
    expect(stored.length).toBeGreaterThanOrEqual(50);
    expect(stored.map(plain)).toEqual(truth.slice(0, stored.length).map(plain));
    const symbols = (await call('market.symbols', {})) as {
      stored: { symbol: string; gaps: number; count: number }[];
    };
    expect(symbols.stored.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(symbols.stored.every((s) => s.gaps === 0 && s.count >= 50)).toBe(true);
    expect(store.repo.listSeries('sim-test')).toHaveLength(2);
  });

  it('runs a backfill as a job with progress events', async () => {
    simulator = await startSimulator({
      port: 0,
      seed: 2,
      interval: '5',
      symbols: ['BTCUSDT'],
      historyBars: 1500,
      startTime: SIM_START,
      barMs: 60_000,
      restRateLimit: null,
    });
    const { events, call } = setup();
    const progress: EventPayload<'job.progress'>[] = [];
    events.on('job.progress', (p) => progress.push(p));
    const truth = simulator.truth('BTCUSDT');
    const result = (await call('market.backfill', {
      feed: 'simulator',
      symbols: ['BTCUSDT'],
      interval: '5',
      from: truth[0]!.openTime,
      to: truth[1499]!.openTime,
      restUrl: simulator.restUrl,
      jobId: 'bf-1',
    })) as { jobId: string; written: Record<string, number> };
    expect(result).toEqual({ jobId: 'bf-1', written: { BTCUSDT: 1500 } });
    expect(progress.at(-1)).toMatchObject({ jobId: 'bf-1', state: 'done' });
    expect(progress.some((p) => p.state === 'running' && p.done === 1000 && p.total === 1500)).toBe(true);
  });

  it('reports an unreachable exchange as offline with a reason, and stops cleanly', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const { call } = setup({ feed: 'bybit' });
    const status = (await call('market.stream.start', {
      wsUrl: `ws://127.0.0.1:${port}/v5/public/linear`,
      restUrl: `http://127.0.0.1:${port}`,
    })) as EventPayload<'market.status'>;
    expect(['connecting', 'reconnecting', 'offline']).toContain(status.connection);
    let now = status;
    await until(() => {
      void (call('market.status', {}) as Promise<EventPayload<'market.status'>>).then((s) => (now = s));
      return now.connection === 'offline';
    });
    expect(now.reason).toMatch(/Cannot reach ws:\/\/127\.0\.0\.1/);
    expect(((await call('market.stream.stop', {})) as EventPayload<'market.status'>).connection).toBe('idle');
  });

  it('keeps one stream when starts race, and restarts when the symbols change', async () => {
    simulator = await startSimulator({
      port: 0,
      seed: 2,
      interval: '1',
      symbols: ['BTCUSDT', 'ETHUSDT'],
      historyBars: 20,
      startTime: SIM_START,
      barMs: 100,
      restRateLimit: null,
    });
    const { call, events } = setup({
      feed: 'sim-test',
      symbols: ['BTCUSDT'],
      interval: '1',
      restUrl: simulator.restUrl,
      wsUrl: simulator.wsUrl,
    });
    let candleEvents = 0;
    events.on('market.candle', () => candleEvents++);
    await Promise.all([
      call('market.stream.start', {}),
      call('market.stream.start', {}),
      call('market.stream.start', { symbols: ['ETHUSDT'] }),
    ]);
    let status = (await call('market.status', {})) as EventPayload<'market.status'>;
    await until(() => {
      void (call('market.status', {}) as Promise<EventPayload<'market.status'>>).then((s) => (status = s));
      return status.connection === 'live';
    });
    expect(status.symbols).toEqual(['ETHUSDT']);
    // At most one socket per distinct start, and nothing left behind reconnecting.
    const connections = simulator.stats().wsConnections;
    expect(connections).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(simulator.stats().wsConnections).toBe(connections);
    await call('market.stream.stop', {});
    // Nothing keeps streaming after the stop (no ingest was left behind by the race).
    const after = candleEvents;
    await new Promise((r) => setTimeout(r, 500));
    expect(candleEvents).toBe(after);
  });

  it('asks for URLs for a custom feed without them', async () => {
    const { call } = setup();
    const err = (await call('market.stream.start', { feed: 'myfeed' }).catch((e: unknown) => e)) as CoreError;
    expect(err.code).toBe('INVALID_PARAMS');
    expect(err.message).toContain('--rest-url');
  });

  it('imports CSV from content; a call naming a path is refused without touching the file system', async () => {
    const { store, call } = setup();
    const csv =
      'time,open,high,low,close,volume\n' +
      [0, 1, 2].map((i) => `${SIM_START + i * 60_000},1,2,0.5,1.5,10`).join('\n');
    const fromContent = await call('market.importCsv', {
      feed: 'csv',
      symbol: 'BTCUSDT',
      interval: '1',
      content: csv,
    });
    expect(fromContent).toMatchObject({ rows: 3, first: SIM_START, timeFormat: 'ms' });
    const file = join(store.dir, 'eth.csv');
    writeFileSync(file, csv);
    const err = (await call('market.importCsv', {
      feed: 'csv',
      symbol: 'ETHUSDT',
      interval: '1',
      path: file,
    }).catch((e: unknown) => e)) as CoreError;
    expect(err.code).toBe('INVALID_PARAMS');
    expect(store.repo.coverage({ feed: 'csv', symbol: 'ETHUSDT', interval: '1' }).count).toBe(0);
  });

  it.each(['constructor', 'tostring'])(
    'treats the feed %s as a custom feed, never a prototype member',
    async (feed) => {
      const { call } = setup();
      for (const [method, params] of [
        ['market.stream.start', { feed }],
        ['market.backfill', { feed, symbols: ['BTCUSDT'], interval: '1', from: 0, to: 60_000 }],
      ] as const) {
        const err = (await call(method, params).catch((e: unknown) => e)) as CoreError;
        expect(err.code, method).toBe('INVALID_PARAMS');
        expect(err.message).toContain(`'${feed}' is not built in`);
      }
    },
  );
});
