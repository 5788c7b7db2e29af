// One engine: a paper session on the simulator's live stream (websocket, accelerated clock, dropped
// and duplicated closes, cut sockets), then the recorded bars replayed as a backtest from the account's first bar
// give identical fills and equity.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/contract';
import type { PaperAccount } from '../../src/shared/contract/paper';
import { domainDispatch } from '../support/domain-dispatch';
import { CoreEvents } from '../../src/main/core/events';
import { JobRegistry } from '../../src/main/core/jobs';
import { createMarketHandlers } from '../../src/main/core/market/handlers';
import { startSimulator, type Simulator } from '../../src/main/core/market/simulator';
import { PaperRepo } from '../../src/main/core/store/paper.repo';
import { runBacktest } from '../../src/main/core/trading/backtest';
import { equalWeightRebalanced } from '../../src/main/core/trading/baselines';
import { DEFAULT_COSTS } from '../../src/main/core/trading/broker';
import { createPaperHandlers } from '../../src/main/core/trading/handlers';
import { instrumentSpecFor } from '../../src/main/core/trading/instruments';
import { alignMarketData } from '../../src/main/core/trading/market-data';
import { DEFAULT_RISK } from '../../src/main/core/trading/risk';
import { SIM_START, tempStore, type TempStore } from './market-helpers';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
const MINUTE = 60_000;
const LIVE_BARS = 40;

let simulator: Simulator | null = null;
let store: TempStore | null = null;
let close: (() => Promise<void>) | null = null;

afterEach(async () => {
  await close?.();
  await simulator?.close();
  store?.dispose();
  simulator = store = close = null;
});

function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
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

describe('paper trading on the live stream', () => {
  it('gives the same fills and equity as a backtest replaying the recorded bars', async () => {
    simulator = await startSimulator({
      port: 0,
      seed: 21,
      interval: '1',
      symbols: SYMBOLS,
      historyBars: 300,
      barMs: 120,
      startTime: SIM_START,
      maxBars: LIVE_BARS,
      restRateLimit: null,
      // Dropped and duplicated closes and cut sockets: the ingest refetches, the trader catches up.
      faults: { dropConfirm: 0.1, duplicateConfirm: 0.1, cutSocket: 0.03 },
      faultSeed: 4,
    });
    store = tempStore('crossdesk-paper-live-');
    const events = new CoreEvents();
    const jobs = new JobRegistry(events);
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      feed: 'sim-live',
      symbols: SYMBOLS,
      interval: '1',
      restUrl: simulator.restUrl,
      wsUrl: simulator.wsUrl,
    };
    const market = createMarketHandlers({
      candles: store.repo,
      settings: () => settings,
      events,
      jobs,
      clock: { now: () => simulator!.now() },
      backend: () => 'cpu',
      tuning: { stream: { reconnect: { baseMs: 20, maxMs: 100 } } },
    });
    const paperRepo = new PaperRepo(store.db);
    const paper = createPaperHandlers({
      candles: store.repo,
      paper: paperRepo,
      events,
      clock: { now: () => simulator!.now() },
      settings: () => settings,
    });
    close = async () => {
      await paper.close();
      await market.close();
    };
    const dispatch = domainDispatch({ ...market.handlers, ...paper.handlers });
    const call = (method: string, params: unknown) =>
      dispatch(method, params, { signal: new AbortController().signal });

    // History first (as the app's backfill), then the account, then the live stream.
    const lastHistory = simulator.truth('BTCUSDT').at(-1)!.openTime;
    await call('market.backfill', {
      feed: 'sim-live',
      symbols: SYMBOLS,
      interval: '1',
      from: lastHistory - 299 * MINUTE,
      to: lastHistory,
    });
    const account = (await call('paper.start', {
      accountId: 'live',
      strategy: 'equal-weight-rebalanced',
      risk: { cadenceBars: 1, rebalanceThreshold: 0.002, minTradeNotional: 0, noTradeBand: 0 },
    })) as PaperAccount;
    expect(account.startTime).toBe(lastHistory + MINUTE);
    await call('market.stream.start', {});
    await simulator.waitForLiveBars(LIVE_BARS);
    const lastLive = lastHistory + LIVE_BARS * MINUTE;
    await until(() => paperRepo.get('live')!.lastBarTime === lastLive);
    await call('market.stream.stop', {});
    await call('paper.stop', {});

    const fills = paperRepo
      .fills('live', 100_000)
      .reverse()
      .map(({ seq: _seq, ...f }) => f);
    const marks = paperRepo.equity('live');
    expect(marks).toHaveLength(LIVE_BARS);
    expect(fills.length).toBeGreaterThan(SYMBOLS.length);

    // Replay the recorded bars through the backtest runner, trading from the account's first bar.
    const recorded = Object.fromEntries(
      SYMBOLS.map((symbol) => [symbol, store!.repo.range({ feed: 'sim-live', symbol, interval: '1' })]),
    );
    const data = alignMarketData(SYMBOLS, recorded);
    const first = Array.from(data.times).indexOf(account.startTime);
    expect(first).toBe(300);
    const result = await runBacktest({
      data,
      barMs: MINUTE,
      instruments: SYMBOLS.map((symbol, i) => instrumentSpecFor(symbol, data.close[i]!)),
      settings: {
        initialCapital: 100_000,
        costs: DEFAULT_COSTS,
        risk: {
          ...DEFAULT_RISK,
          cadenceBars: 1,
          rebalanceThreshold: 0.002,
          minTradeNotional: 0,
          noTradeBand: 0,
        },
        walkForward: { trainBars: first, testBars: 1_000_000, purgeBars: 0, expanding: false },
      },
      strategy: { name: 'replay', fit: () => ({ strategy: equalWeightRebalanced(), modelId: null }) },
      baselines: [],
    });
    const replay = result.runs[0]!;
    expect(replay.fills.map((f) => ({ ...f }))).toEqual(fills);
    expect(Array.from(replay.equity)).toEqual(marks.map((m) => m.equity));
    expect(Array.from(result.times)).toEqual(marks.map((m) => m.time));
  });
});
