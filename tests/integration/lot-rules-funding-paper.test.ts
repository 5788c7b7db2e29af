// The stored rules of a feed, not the simulator's table, size every order: fills of a backtest and of a
// paper account on an imported feed whose user-given qtyStep (0.007 BTC, 0.13 ETH) differs from the
// simulator's (0.001, 0.01) are multiples of it. Paper trading also settles the feed's stored funding on
// the positions it holds, as a ledger of its own (paper.funding) that sums to the account's totalFunding.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/shared/contract';
import type { BacktestDetail, BacktestSummary } from '../../src/shared/contract/backtest';
import type { PaperAccount } from '../../src/shared/contract/paper';
import type { InstrumentRules } from '../../src/shared/domain';
import { domainDispatch } from '../support/domain-dispatch';
import { tempStore, type TempStore } from '../support/temp-store';
import { CoreEvents } from '../../src/main/core/events';
import { JobRegistry } from '../../src/main/core/jobs';
import { instrumentRules } from '../../src/main/core/market/simulator/instruments';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { BacktestsRepo } from '../../src/main/core/store/backtests.repo';
import { FundingRepo } from '../../src/main/core/store/funding.repo';
import { InstrumentsRepo } from '../../src/main/core/store/instruments.repo';
import { PaperRepo } from '../../src/main/core/store/paper.repo';
import { createBacktestHandlers, createPaperHandlers } from '../../src/main/core/trading/handlers';

const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 1);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
const FEED = 'my-feed';
const BARS = 700;
const STEPS: Record<string, number> = { BTCUSDT: 0.007, ETHUSDT: 0.13 };
const MARKET = generateMarket(
  { ...DEFAULT_MARKET_SPEC, symbols: SYMBOLS, followers: [] },
  { seed: 4, interval: '60', startTime: START, bars: BARS },
);

function userRules(symbol: string): InstrumentRules {
  return {
    symbol,
    status: 'Trading',
    launchTimeMs: START,
    tickSize: 0.1,
    qtyStep: STEPS[symbol]!,
    minOrderQty: STEPS[symbol]!,
    maxMarketOrderQty: 1_000,
    minNotionalValue: 5,
    maxLeverage: 10,
    fundingIntervalMinutes: 480,
    source: 'user',
    fetchedAtMs: null,
  };
}

/** True when `quantity` is a whole number of `step`s (within float noise). */
function multipleOf(quantity: number, step: number): boolean {
  const k = Math.abs(quantity) / step;
  return Math.abs(k - Math.round(k)) < 1e-6 && Math.round(k) >= 1;
}

let store: TempStore;
let instruments: InstrumentsRepo;
let funding: FundingRepo;
beforeEach(() => {
  store = tempStore('crossdesk-lot-rules-');
  instruments = new InstrumentsRepo(store.db);
  funding = new FundingRepo(store.db);
  instruments.upsert(FEED, SYMBOLS.map(userRules));
  for (const symbol of SYMBOLS) {
    // The steps really differ from the simulator's table.
    expect(10 ** -instrumentRules(symbol, 100).qtyDecimals).not.toBe(STEPS[symbol]);
  }
});
afterEach(() => store.dispose());

function storeBars(from: number, to: number): void {
  for (const symbol of SYMBOLS) {
    store.repo.upsert(
      { feed: FEED, symbol, interval: '60' },
      MARKET[symbol]!.slice(from, to).map((c) => ({ ...c, updatedAt: c.openTime + HOUR })),
    );
  }
}

describe('stored lot rules and paper funding', () => {
  it('sizes every backtest fill, strategy and baselines, in multiples of the stored qtyStep', async () => {
    storeBars(0, BARS);
    const { handlers } = createBacktestHandlers({
      candles: store.repo,
      backtests: new BacktestsRepo(store.db),
      instruments,
      funding,
      jobs: new JobRegistry(new CoreEvents()),
      clock: { now: () => START },
    });
    const dispatch = domainDispatch(handlers);
    const call = <T>(method: string, params: unknown) =>
      dispatch(method, params, { signal: new AbortController().signal }) as Promise<T>;
    const run = await call<BacktestSummary>('backtest.run', {
      feed: FEED,
      symbols: SYMBOLS,
      interval: '60',
      from: START,
      to: START + (BARS - 1) * HOUR,
      strategy: 'equal-weight-rebalanced',
      trainBars: 100,
      testBars: 300,
      purgeBars: 0,
      risk: { cadenceBars: 6, rebalanceThreshold: 0 },
    });
    expect(run.marketRules!.instrumentsSource).toEqual({ BTCUSDT: 'user', ETHUSDT: 'user' });
    const detail = await call<BacktestDetail>('backtest.get', { id: run.id, fills: true });
    const fills = detail.fills!;
    expect(fills.length).toBeGreaterThan(10);
    for (const fill of fills)
      expect(multipleOf(fill.quantity, STEPS[fill.symbol]!), `${fill.symbol} ${fill.quantity}`).toBe(true);
  });

  it('sizes paper fills in multiples of the stored qtyStep and settles stored funding as its own ledger', async () => {
    storeBars(0, 300);
    // Funding of the imported feed (as a funding CSV import stores it), every 8 h, known complete.
    const rates = [];
    for (let t = START; t <= START + BARS * HOUR; t += 8 * HOUR)
      for (const symbol of SYMBOLS)
        rates.push({ symbol, fundingTimeMs: t, rate: symbol === 'BTCUSDT' ? 1e-4 : -2e-4 });
    funding.upsert(FEED, rates);
    for (const symbol of SYMBOLS) funding.markChecked(FEED, symbol, START, START + BARS * HOUR);

    const events = new CoreEvents();
    const paper = createPaperHandlers({
      candles: store.repo,
      paper: new PaperRepo(store.db),
      instruments,
      funding,
      events,
      clock: { now: () => START },
      settings: () => ({ ...DEFAULT_SETTINGS, feed: FEED, symbols: SYMBOLS, interval: '60' }),
    });
    try {
      const dispatch = domainDispatch(paper.handlers);
      const call = <T>(method: string, params: unknown) =>
        dispatch(method, params, { signal: new AbortController().signal }) as Promise<T>;
      await call<PaperAccount>('paper.start', {
        strategy: 'equal-weight-rebalanced',
        initialCapital: 50_000,
        risk: { cadenceBars: 3, rebalanceThreshold: 0 },
      });
      for (let b = 300; b < 360; b++) {
        storeBars(b, b + 1);
        for (const symbol of SYMBOLS)
          events.emit('market.candle', { feed: FEED, symbol, interval: '60', candle: MARKET[symbol]![b]! });
        await paper.trader.schedule();
      }
      const account = (await call<PaperAccount>('paper.account', {}))!;
      expect(account.lastBarTime).toBe(START + 359 * HOUR);
      const fills = await call<Array<{ symbol: string; quantity: number }>>('paper.fills', { limit: 1000 });
      expect(new Set(fills.map((f) => f.symbol)).size).toBe(2);
      for (const fill of fills)
        expect(multipleOf(fill.quantity, STEPS[fill.symbol]!), `${fill.symbol} ${fill.quantity}`).toBe(true);

      // Funding: one payment per symbol per funding time with a position open, value × rate.
      const ledger = await call<
        Array<{
          time: number;
          symbol: string;
          quantity: number;
          price: number;
          rate: number;
          payment: number;
        }>
      >('paper.funding', { limit: 1000 });
      expect(ledger.length).toBeGreaterThanOrEqual(2 * 6);
      const openAt = (symbol: string, t: number) => MARKET[symbol]![(t - START) / HOUR]!.open;
      for (const p of ledger) {
        expect(p.time % (8 * HOUR)).toBe(0);
        expect(p.price).toBe(openAt(p.symbol, p.time));
        expect(p.payment).toBeCloseTo(p.quantity * p.price * p.rate, 9);
      }
      // A long pays a positive rate (BTC), and receives a negative one (ETH).
      expect(ledger.filter((p) => p.symbol === 'BTCUSDT').every((p) => p.payment > 0)).toBe(true);
      expect(ledger.filter((p) => p.symbol === 'ETHUSDT').every((p) => p.payment < 0)).toBe(true);
      const total = ledger.reduce((sum, p) => sum + p.payment, 0);
      expect(account.totalFunding).toBeCloseTo(total, 9);

      // A bar starting at a funding time whose rate is not stored yet waits for it (as for a candle
      // the stream dropped), then settles it once the upkeep has stored it.
      const nextFunding = START + 368 * HOUR; // bar 368 opens at 16:00 UTC, a funding time
      const db = store.db;
      db.prepare('DELETE FROM funding_rates WHERE funding_time >= ?').run(nextFunding);
      db.prepare('UPDATE funding_coverage SET to_time = ?').run(nextFunding - 1);
      for (let b = 360; b < 372; b++) {
        storeBars(b, b + 1);
        await paper.trader.schedule();
      }
      const waiting = (await call<PaperAccount>('paper.account', {}))!;
      expect(waiting.lastBarTime).toBe(nextFunding - HOUR);
      funding.upsert(
        FEED,
        SYMBOLS.map((symbol) => ({ symbol, fundingTimeMs: nextFunding, rate: 3e-4 })),
      );
      for (const symbol of SYMBOLS) funding.markChecked(FEED, symbol, nextFunding, nextFunding + 4 * HOUR);
      await paper.trader.schedule();
      const settled = (await call<PaperAccount>('paper.account', {}))!;
      expect(settled.lastBarTime).toBe(START + 371 * HOUR);
      const latest = await call<Array<{ time: number; rate: number }>>('paper.funding', { limit: 2 });
      expect(latest.map((p) => [p.time, p.rate])).toEqual([
        [nextFunding, 3e-4],
        [nextFunding, 3e-4],
      ]);
    } finally {
      await paper.close();
    }
  });
});
