// Funding kept current while streaming, against the real simulator on loopback: the tickers topic
// (snapshot, then deltas of the changed fields) says when the next funding time is and its predicted
// rate; once the exchange's clock passes it, the settled rate is confirmed from REST and stored, and the
// checked span grows with it, with no gap.
import { afterEach, describe, expect, it } from 'vitest';
import { BybitRest } from '../../src/main/core/market/bybit-rest';
import { backfillFunding } from '../../src/main/core/market/funding-backfill';
import { FundingUpkeep } from '../../src/main/core/market/funding-upkeep';
import { startSimulator, type Simulator } from '../../src/main/core/market/simulator';
import { FundingRepo } from '../../src/main/core/store/funding.repo';
import { SIM_START, tempStore, type TempStore } from './market-helpers';

let simulator: Simulator | null = null;
let store: TempStore | null = null;
let upkeep: FundingUpkeep | null = null;

afterEach(async () => {
  upkeep?.stop();
  upkeep = null;
  await simulator?.close();
  simulator = null;
  store?.dispose();
  store = null;
});

describe('funding upkeep while streaming', () => {
  it('confirms each funding time from REST after the ticker moves past it, gap-free', async () => {
    // One-minute bars at 4 ms each: a funding interval of 8 h passes in about 2 s.
    simulator = await startSimulator({
      port: 0,
      seed: 8,
      interval: '1',
      symbols: ['BTCUSDT', 'ETHUSDT'],
      historyBars: 3000,
      startTime: SIM_START + 7 * 3_600_000 + 30 * 60_000,
      barMs: 4,
    });
    store = tempStore('crossdesk-funding-upkeep-');
    const funding = new FundingRepo(store.db);
    const rest = new BybitRest({ baseUrl: simulator.restUrl });
    for (const symbol of simulator.symbols) {
      await backfillFunding(funding, rest, {
        feed: 'simulator',
        symbol,
        from: simulator.launchTime,
        to: simulator.now(),
        launchTimeMs: simulator.launchTime,
      });
    }
    const before = funding.coverage('simulator', 'BTCUSDT').checkedTo!;
    const confirmed: Array<[string, number]> = [];
    const sim = simulator;
    upkeep = new FundingUpkeep({
      feed: 'simulator',
      symbols: sim.symbols,
      wsUrl: sim.wsUrl,
      rest,
      funding,
      now: () => sim.now(),
      retryMs: 50,
      onConfirmed: (symbol, time) => confirmed.push([symbol, time]),
    });
    upkeep.start();
    const deadline = Date.now() + 30_000;
    const target = sim.funding.firstAtOrAfter(before + 1) + sim.funding.intervalMs;
    while (
      Date.now() < deadline &&
      !['BTCUSDT', 'ETHUSDT'].every((s) => confirmed.some(([x, t]) => x === s && t >= target))
    )
      await new Promise((resolve) => setTimeout(resolve, 50));

    for (const symbol of sim.symbols) {
      const coverage = funding.coverage('simulator', symbol);
      expect(coverage.checkedTo).toBeGreaterThanOrEqual(target);
      // Gap-free: every funding time from the launch to the span's end, with the simulator's rate.
      const stored = funding.range({ feed: 'simulator', symbol, from: 0, to: coverage.checkedTo! });
      const expected: number[] = [];
      for (
        let t = sim.funding.firstAtOrAfter(sim.launchTime);
        t <= coverage.checkedTo!;
        t += sim.funding.intervalMs
      )
        expected.push(t);
      expect(stored.map((r) => r.fundingTimeMs)).toEqual(expected);
      for (const r of stored) expect(r.rate).toBe(sim.funding.rate(symbol, r.fundingTimeMs));
      // The ticker: the next funding time and the rate predicted for it, in Bybit's fields.
      const ticker = upkeep.ticker(symbol)!;
      expect(ticker.nextFundingTime).toBeGreaterThan(coverage.checkedTo!);
      expect(ticker.nextFundingTime! % sim.funding.intervalMs).toBe(0);
      expect(ticker.fundingRate).toBe(sim.funding.rate(symbol, ticker.nextFundingTime!));
    }
  }, 60_000);
});
