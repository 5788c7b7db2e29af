// Funding end to end against the real simulator on loopback: its funding history is backfilled with
// the candles into a real SQLite file, and a `btc-only` backtest over the stored data pays exactly the
// sum over funding times of position value × rate, recomputed here from the fills, the stored candles
// and the simulator's own rates (not from the engine's ledger). A feed without funding history says so.
import { afterEach, describe, expect, it } from 'vitest';
import type { BacktestDetail, BacktestSummary } from '../../src/shared/contract/backtest';
import { domainDispatch } from '../support/domain-dispatch';
import { CoreEvents } from '../../src/main/core/events';
import { JobRegistry } from '../../src/main/core/jobs';
import { backfill } from '../../src/main/core/market/backfill';
import { BybitRest } from '../../src/main/core/market/bybit-rest';
import { startSimulator, type Simulator } from '../../src/main/core/market/simulator';
import { BacktestsRepo } from '../../src/main/core/store/backtests.repo';
import { FundingRepo } from '../../src/main/core/store/funding.repo';
import { InstrumentsRepo } from '../../src/main/core/store/instruments.repo';
import { createBacktestHandlers } from '../../src/main/core/trading/handlers';
import { SIM_START, tempStore, type TempStore } from './market-helpers';

const HOUR = 3_600_000;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
let simulator: Simulator | null = null;
let store: TempStore | null = null;

afterEach(async () => {
  await simulator?.close();
  simulator = null;
  store?.dispose();
  store = null;
});

async function backfilled() {
  simulator = await startSimulator({
    port: 0,
    seed: 21,
    interval: '60',
    symbols: SYMBOLS,
    historyBars: 2000,
    startTime: SIM_START,
    barMs: 60_000,
  });
  store = tempStore('crossdesk-funding-');
  const funding = new FundingRepo(store.db);
  const instruments = new InstrumentsRepo(store.db);
  const rest = new BybitRest({ baseUrl: simulator.restUrl });
  const result = await backfill(
    store.repo,
    rest,
    // From well before the launch: nothing may be asked for before it.
    { feed: 'simulator', symbols: SYMBOLS, interval: '60', from: SIM_START - 400 * 24 * HOUR, to: SIM_START },
    undefined,
    { funding, instruments },
  );
  return { simulator, store, funding, instruments, result };
}

function backtests(s: TempStore, funding?: FundingRepo, instruments?: InstrumentsRepo) {
  const events = new CoreEvents();
  const jobs = new JobRegistry(events);
  const { handlers } = createBacktestHandlers({
    candles: s.repo,
    backtests: new BacktestsRepo(s.db),
    funding,
    instruments,
    jobs,
    clock: { now: () => Date.UTC(2026, 5, 1) },
  });
  const dispatch = domainDispatch(handlers);
  return <T>(method: string, params: unknown) =>
    dispatch(method, params, { signal: new AbortController().signal }) as Promise<T>;
}

describe('funding end to end', () => {
  it('backfills the simulator funding history gap-free and from the launch on', async () => {
    const { simulator, funding, result } = await backfilled();
    const f = simulator.funding;
    for (const symbol of SYMBOLS) {
      const stored = funding.range({ feed: 'simulator', symbol, from: 0, to: Number.MAX_SAFE_INTEGER });
      const expected: number[] = [];
      for (let t = f.firstAtOrAfter(simulator.launchTime); t <= simulator.now(); t += f.intervalMs)
        expected.push(t);
      // 2000 hourly bars hold 250 funding times: two pages of at most 200, paged backwards by endTime.
      expect(stored.map((r) => r.fundingTimeMs)).toEqual(expected);
      for (const r of stored) expect(r.rate).toBe(f.rate(symbol, r.fundingTimeMs));
      expect(new Set(stored.map((r) => r.rate)).size).toBeGreaterThan(stored.length / 2);
      expect(result.funding[symbol]).toBe(expected.length);
    }
    // A second backfill of the same range asks for no funding at all (the checked span covers it).
    const again = await backfill(
      store!.repo,
      new BybitRest({ baseUrl: simulator.restUrl }),
      {
        feed: 'simulator',
        symbols: SYMBOLS,
        interval: '60',
        from: simulator.launchTime,
        to: SIM_START - 2 * HOUR,
      },
      undefined,
      { funding },
    );
    expect(again.fundingPages).toBe(0);
    expect(result.fundingPages).toBe(4);
    // The range began 400 days before the launch: only the 2,000 bars from the launch were asked for
    // (two pages of 1,000 per symbol, plus the bar forming now), none of the 9,600 empty hours before.
    expect(result.pages).toBeLessThanOrEqual(2 * 3);
  });

  it('charges a btc-only backtest the sum over funding times of position value × rate', async () => {
    const { simulator, store, funding, instruments } = await backfilled();
    const call = backtests(store, funding, instruments);
    const run = await call<BacktestSummary>('backtest.run', {
      feed: 'simulator',
      symbols: SYMBOLS,
      interval: '60',
      from: simulator.launchTime,
      to: SIM_START,
      strategy: 'btc-only',
      trainBars: 200,
      testBars: 400,
      purgeBars: 0,
    });
    const detail = await call<BacktestDetail>('backtest.get', { id: run.id, fillsOf: 'btc-only' });
    const fills = detail.fills!;
    expect(fills.length).toBeGreaterThan(0);

    // Independently: the BTC position held just before each funding time (fills at the open of the bar
    // starting at that time come after it), marked at that bar's open, times the simulator's rate.
    const candles = store.repo.range({ feed: 'simulator', symbol: 'BTCUSDT', interval: '60' });
    const openAt = new Map(candles.map((c) => [c.openTime, c.open]));
    const f = simulator.funding;
    let expected = 0;
    let fundingTimes = 0;
    const lastBar = detail.times[detail.times.length - 1]!;
    for (let t = f.firstAtOrAfter(detail.times[0]!); t <= lastBar; t += f.intervalMs) {
      let position = 0;
      for (const fill of fills)
        if (fill.symbol === 'BTCUSDT' && fill.time < t)
          position += fill.side === 'buy' ? fill.quantity : -fill.quantity;
      if (position === 0) continue;
      expected += position * openAt.get(t)! * f.rate('BTCUSDT', t);
      fundingTimes++;
    }
    expect(fundingTimes).toBeGreaterThan(40);
    const metrics = run.metrics.find((m) => m.strategy === 'btc-only')!.metrics;
    expect(Math.abs(expected)).toBeGreaterThan(1);
    expect(metrics.fundingPaid).toBeCloseTo(expected, 6);
    expect(metrics.fundingFraction).toBeCloseTo(expected / 100_000, 10);
    // The ledger: one stored entry per funding time the position was open, summing to the metric.
    const ledger = detail.funding!.filter((p) => p.strategy === 'btc-only');
    expect(ledger).toHaveLength(fundingTimes);
    expect(ledger.reduce((sum, p) => sum + p.payment, 0)).toBeCloseTo(expected, 6);
    // Every baseline reports funding too, and the run says funding was modelled for every symbol.
    for (const m of run.metrics) expect(typeof m.metrics.fundingPaid).toBe('number');
    expect(run.marketRules).toMatchObject({
      instrumentsSource: { BTCUSDT: 'simulator', ETHUSDT: 'simulator' },
      fundingModelled: { BTCUSDT: true, ETHUSDT: true },
      notes: [],
    });
    // Exported in CSV: one row per payment after the header.
    const csv = await call<{ csv: string }>('backtest.exportCsv', { id: run.id, table: 'funding' });
    expect(csv.csv.trim().split('\r\n')[0]).toBe(
      'strategy,time,time_ms,symbol,quantity,price,position_value,rate,payment',
    );
    expect(
      csv.csv
        .trim()
        .split('\r\n')
        .filter((line) => line.startsWith('btc-only,')),
    ).toHaveLength(fundingTimes);
  });

  it('says "funding not modelled" for a feed with no funding history, never a silent zero', async () => {
    const { simulator, store } = await backfilled();
    // The same candles under an imported feed's name, with no funding history and no rules stored.
    for (const symbol of SYMBOLS) {
      const list = store.repo.range({ feed: 'simulator', symbol, interval: '60' });
      store.repo.upsert(
        { feed: 'my-csv', symbol, interval: '60' },
        list.map((c) => ({ ...c, updatedAt: 1 })),
      );
    }
    const call = backtests(store, new FundingRepo(store.db), new InstrumentsRepo(store.db));
    const run = await call<BacktestSummary>('backtest.run', {
      feed: 'my-csv',
      symbols: SYMBOLS,
      interval: '60',
      from: simulator.launchTime,
      to: SIM_START,
      strategy: 'btc-only',
      trainBars: 200,
      testBars: 400,
      purgeBars: 0,
    });
    expect(run.marketRules!.fundingModelled).toEqual({ BTCUSDT: false, ETHUSDT: false });
    expect(run.marketRules!.notes).toContain(
      "funding not modelled: no funding history for BTCUSDT on feed 'my-csv' (backfill it, or import a funding CSV for an imported feed)",
    );
    expect(run.marketRules!.instrumentsSource).toEqual({ BTCUSDT: 'derived', ETHUSDT: 'derived' });
    expect(run.metrics.find((m) => m.strategy === 'btc-only')!.metrics.fundingPaid).toBe(0);
  });
});
