// Paper trading on a real SQLite file fed bar by bar like the live ingest does (candles stored, then a
// market.candle event): fills at the next open, one transaction per bar, events after commit, resume
// after a restart with no lost and no double fill, catch-up of bars stored while stopped, and parity
// with a backtest replaying the same bars.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src/shared/contract';
import type { Candle } from '../../src/shared/domain';
import type { CoreError } from '../../src/shared/errors';
import { CoreEvents } from '../../src/main/core/events';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase, type Db } from '../../src/main/core/store/db';
import { PaperRepo } from '../../src/main/core/store/paper.repo';
import { runBacktest } from '../../src/main/core/trading/backtest';
import { DEFAULT_COSTS } from '../../src/main/core/trading/broker';
import { instrumentSpecFor } from '../../src/main/core/trading/instruments';
import { alignMarketData } from '../../src/main/core/trading/market-data';
import { PaperTrader, type PaperSettings } from '../../src/main/core/trading/paper';
import { DEFAULT_RISK } from '../../src/main/core/trading/risk';
import { equalWeightRebalanced } from '../../src/main/core/trading/baselines';

const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 1);
const SYMBOLS = DEFAULT_MARKET_SPEC.symbols;
const HISTORY = 300;
const MARKET = generateMarket(DEFAULT_MARKET_SPEC, { seed: 9, interval: '60', startTime: START, bars: 700 });

const SETTINGS: PaperSettings = {
  accountId: 'test',
  feed: 'simulator',
  symbols: SYMBOLS,
  interval: '60',
  strategy: 'equal-weight-rebalanced',
  initialCapital: 100_000,
  costs: { slippageBps: 3 },
  risk: { cadenceBars: 6, rebalanceThreshold: 0.01 },
  trainBars: 200,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-paper-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Session {
  db: Db;
  candles: CandlesRepo;
  paper: PaperRepo;
  events: CoreEvents;
  trader: PaperTrader;
  /** Stores bars [from, to) of every symbol and announces each as the live ingest would. */
  feed(from: number, to: number, announce?: boolean): void;
  close(): Promise<void>;
}

function session(file = join(dir, 'crossdesk.db')): Session {
  const db = openDatabase(file);
  const candles = new CandlesRepo(db);
  const paper = new PaperRepo(db);
  const events = new CoreEvents();
  let now = Date.UTC(2026, 0, 1);
  const trader = new PaperTrader({ candles, paper, events, clock: { now: () => now++ } });
  return {
    db,
    candles,
    paper,
    events,
    trader,
    feed(from, to, announce = true) {
      for (let b = from; b < to; b++) {
        for (const symbol of SYMBOLS) {
          const candle: Candle = MARKET[symbol]![b]!;
          candles.upsert({ feed: 'simulator', symbol, interval: '60' }, [
            { ...candle, updatedAt: candle.openTime + HOUR },
          ]);
          if (announce) events.emit('market.candle', { feed: 'simulator', symbol, interval: '60', candle });
        }
      }
    },
    async close() {
      await trader.stop();
      db.close();
    },
  };
}

async function settle(s: Session): Promise<void> {
  await s.trader.schedule();
}

function allFills(paper: PaperRepo, id = 'test') {
  return paper.fills(id, 100_000).reverse();
}

describe('paper trader', () => {
  it('starts after the stored history, fills at the next open, writes each bar once and emits events after commit', async () => {
    const s = session();
    s.feed(0, HISTORY, false);
    const account = await s.trader.start(SETTINGS);
    expect(account).toMatchObject({
      id: 'test',
      running: true,
      startTime: START + HISTORY * HOUR,
      lastBarTime: null,
      equity: 100_000,
    });

    const seen: string[] = [];
    s.events.on('paper.fill', (e) => {
      // Committed before the event: the fill is already in the store.
      expect(allFills(s.paper).some((f) => f.time === e.fill.time && f.symbol === e.fill.symbol)).toBe(true);
      seen.push(`fill ${e.fill.symbol}`);
    });
    const equity: Array<EventPayload<'paper.equity'>> = [];
    s.events.on('paper.equity', (e) => equity.push(e));
    const weights: Array<EventPayload<'paper.weights'>> = [];
    s.events.on('paper.weights', (e) => weights.push(e));

    s.feed(HISTORY, HISTORY + 1);
    await settle(s);
    // The first bar: decided at its close, nothing filled yet.
    expect(allFills(s.paper)).toHaveLength(0);
    expect(s.trader.accountView()!.pendingOrders).toHaveLength(SYMBOLS.length);
    s.feed(HISTORY + 1, HISTORY + 2);
    await settle(s);
    const fills = allFills(s.paper);
    expect(fills).toHaveLength(SYMBOLS.length);
    expect(
      fills.every((f) => f.time === START + (HISTORY + 1) * HOUR && f.decidedAt === START + HISTORY * HOUR),
    ).toBe(true);
    for (const f of fills) {
      const open = MARKET[f.symbol]![HISTORY + 1]!.open;
      expect(f.price).toBeCloseTo(open * (f.side === 'buy' ? 1.0003 : 0.9997), 9);
      expect(f.fee).toBeCloseTo(f.notional * DEFAULT_COSTS.feeRate, 9);
    }
    expect(seen).toHaveLength(SYMBOLS.length);
    expect(equity.map((e) => e.time)).toEqual([START + HISTORY * HOUR, START + (HISTORY + 1) * HOUR]);
    expect(weights[1]!.weights.reduce((a, w) => a + w, 0)).toBeGreaterThan(0.95);
    expect(s.paper.equity('test').map((m) => m.time)).toEqual(equity.map((e) => e.time));

    // A repeated announcement of a bar already applied changes nothing.
    s.feed(HISTORY + 1, HISTORY + 2);
    await settle(s);
    expect(allFills(s.paper)).toHaveLength(SYMBOLS.length);
    expect(equity).toHaveLength(2);

    // A bar closed for some symbols only waits for the rest.
    const partial = MARKET.BTCUSDT![HISTORY + 2]!;
    s.candles.upsert({ feed: 'simulator', symbol: 'BTCUSDT', interval: '60' }, [
      { ...partial, updatedAt: partial.openTime + HOUR },
    ]);
    s.events.emit('market.candle', { feed: 'simulator', symbol: 'BTCUSDT', interval: '60', candle: partial });
    await settle(s);
    expect(equity).toHaveLength(2);
    s.feed(HISTORY + 2, HISTORY + 3);
    await settle(s);
    expect(equity).toHaveLength(3);
    await s.close();
  });

  it('resumes after a restart and catches up bars stored while stopped, with the same fills as an uninterrupted run', async () => {
    const reference = session(join(dir, 'reference.db'));
    reference.feed(0, HISTORY, false);
    await reference.trader.start(SETTINGS);
    reference.feed(HISTORY, 500);
    await settle(reference);

    const first = session();
    first.feed(0, HISTORY, false);
    await first.trader.start(SETTINGS);
    first.feed(HISTORY, 380);
    await settle(first);
    await first.close();

    // Stopped: 40 bars arrive (say, filled from REST after the app restarts).
    const gap = session();
    gap.feed(380, 420, false);
    await gap.close();

    const resumed = session();
    const account = await resumed.trader.start(SETTINGS);
    expect(account.lastBarTime).toBe(START + 419 * HOUR);
    resumed.feed(420, 500);
    await settle(resumed);

    expect(allFills(resumed.paper)).toEqual(allFills(reference.paper));
    expect(resumed.paper.equity('test')).toEqual(reference.paper.equity('test'));
    expect(resumed.trader.accountView()).toEqual({
      ...reference.trader.accountView()!,
      createdAt: expect.any(Number),
    });
    await resumed.close();
    await reference.close();
  });

  it('replays as a backtest with identical fills and equity (parity)', async () => {
    const s = session();
    s.feed(0, HISTORY, false);
    await s.trader.start(SETTINGS);
    s.feed(HISTORY, 600);
    await settle(s);
    // The same stored bars, replayed through the backtest runner from the paper account's first bar.
    const data = alignMarketData(
      SYMBOLS,
      Object.fromEntries(SYMBOLS.map((symbol) => [symbol, MARKET[symbol]!.slice(0, 600)])),
    );
    const strategy = equalWeightRebalanced();
    const result = await runBacktest({
      data,
      barMs: HOUR,
      instruments: SYMBOLS.map((symbol, i) => instrumentSpecFor(symbol, data.close[i]!)),
      settings: {
        initialCapital: 100_000,
        costs: { ...DEFAULT_COSTS, ...SETTINGS.costs },
        risk: { ...DEFAULT_RISK, ...SETTINGS.risk },
        walkForward: { trainBars: HISTORY, testBars: 10_000, purgeBars: 0, expanding: false },
      },
      strategy: { name: 'paper', fit: () => ({ strategy, modelId: null }) },
      baselines: [],
    });
    const replay = result.runs[0]!;
    expect(allFills(s.paper).map(({ seq: _seq, ...f }) => f)).toEqual(replay.fills.map((f) => ({ ...f })));
    expect(s.paper.equity('test').map((m) => m.equity)).toEqual(Array.from(replay.equity));
    await s.close();
  });

  it('refuses to resume an account with other settings, and resets on request', async () => {
    const s = session();
    s.feed(0, HISTORY, false);
    await s.trader.start(SETTINGS);
    s.feed(HISTORY, HISTORY + 5);
    await settle(s);
    await s.trader.stop();
    const error = (await s.trader
      .start({ ...SETTINGS, strategy: 'btc-only' })
      .catch((e: unknown) => e)) as CoreError;
    expect(error.code).toBe('CONFLICT');
    const fresh = await s.trader.start({ ...SETTINGS, strategy: 'btc-only' }, true);
    expect(fresh).toMatchObject({
      strategy: 'btc-only',
      lastBarTime: null,
      startTime: START + (HISTORY + 5) * HOUR,
    });
    expect(allFills(s.paper)).toHaveLength(0);
    await s.close();
    // Copying a closed database file keeps the account (the WAL was checkpointed on close).
    copyFileSync(join(dir, 'crossdesk.db'), join(dir, 'copy.db'));
    const copy = session(join(dir, 'copy.db'));
    expect(copy.paper.get('test')!.strategy).toBe('btc-only');
    await copy.close();
  });
});
