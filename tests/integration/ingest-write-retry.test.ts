// A candle batch the store refuses is not dropped: the live ingest retries it, and if the store still
// refuses, refills those bars from REST once it takes writes again. The refusal is a real SQLite
// trigger (as a locked or full database would answer) switched on for a while during the stream.
import { afterEach, describe, expect, it } from 'vitest';
import { BybitRest } from '../../src/main/core/market/bybit-rest';
import { LiveIngest } from '../../src/main/core/market/ingest';
import { startSimulator, type Simulator } from '../../src/main/core/market/simulator';
import { plain, SIM_START, tempStore, type TempStore } from './market-helpers';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
const LIVE_BARS = 160;

let simulator: Simulator | null = null;
let store: TempStore | null = null;
let ingest: LiveIngest | null = null;

afterEach(async () => {
  await ingest?.stop();
  await simulator?.close();
  store?.dispose();
  ingest = simulator = store = null;
});

async function settle(live: LiveIngest): Promise<void> {
  let quietSince = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 25));
    const s = live.status();
    if (s.connection !== 'live' || s.fillsRunning > 0) quietSince = Date.now();
    else if (Date.now() - quietSince > 800) return;
  }
}

describe('ingest write failures', () => {
  it.each([
    ['retried', 150],
    ['refilled from REST', 1_500],
  ])('stores every confirmed bar when writes are refused for a while (%s)', async (_how, refuseMs) => {
    simulator = await startSimulator({
      port: 0,
      seed: 8,
      interval: '1',
      symbols: SYMBOLS,
      historyBars: 20,
      startTime: SIM_START,
      barMs: 25,
      updatesPerBar: 3,
      maxBars: LIVE_BARS,
      restRateLimit: null,
    });
    store = tempStore();
    let refuseUntil = 0;
    let refused = 0;
    store.db.function('test_refuse_write', () => {
      if (Date.now() >= refuseUntil) return 0;
      refused++;
      return 1;
    });
    store.db.exec(
      `CREATE TRIGGER test_refuse BEFORE INSERT ON candles WHEN test_refuse_write()
       BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END;`,
    );
    const errors: unknown[] = [];
    ingest = new LiveIngest({
      feed: 'simulator',
      interval: '1',
      symbols: SYMBOLS,
      wsUrl: simulator.wsUrl,
      repo: store.repo,
      rest: new BybitRest({ baseUrl: simulator.restUrl, retry: { attempts: 4, baseMs: 10, maxMs: 50 } }),
      startFrom: simulator.truth('BTCUSDT')[0]!.openTime,
      fillRetryMs: 100,
      stream: {
        reconnect: { baseMs: 5, maxMs: 60 },
        pingIntervalMs: 1000,
        pongTimeoutMs: 5000,
        ackTimeoutMs: 5000,
      },
      onError: (err) => errors.push(err),
    });
    ingest.start();
    await simulator.waitForLiveBars(40, 30_000);
    refuseUntil = Date.now() + refuseMs;
    await simulator.waitForLiveBars(LIVE_BARS, 60_000);
    simulator.pause();
    await settle(ingest);

    expect(refused).toBeGreaterThan(0);
    if (refuseMs > 1_000) expect(errors.length).toBeGreaterThan(0);
    else expect(errors).toEqual([]);
    // No fillGaps here: the ingest itself must have completed the store (but for the last bar,
    // whose confirm may still be on its way).
    for (const symbol of SYMBOLS) {
      const truth = simulator.truth(symbol).filter((c) => c.confirmed);
      const key = { feed: 'simulator', symbol, interval: '1' as const };
      const stored = store.repo.range(key).filter((c) => c.confirmed);
      expect(truth.length - stored.length, symbol).toBeLessThanOrEqual(1);
      expect(stored.map(plain), symbol).toEqual(truth.slice(0, stored.length).map(plain));
      expect(store.repo.coverage(key).gaps, symbol).toBe(0);
    }
  });
});
