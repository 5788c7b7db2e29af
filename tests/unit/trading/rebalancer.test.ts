// The cost-aware rebalancer: its band is the round-trip cost times the risk setting, a change inside
// it is not traded, and the default linear-lead-lag on a random walk no longer burns its capital in
// fees (before the band and the cost-derived edge it paid 61% of capital in 9 months).
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/main/core/market/simulator/prng';
import { BacktestsRepo } from '../../../src/main/core/store/backtests.repo';
import { CoreEvents } from '../../../src/main/core/events';
import { JobRegistry } from '../../../src/main/core/jobs';
import { TradingEngine } from '../../../src/main/core/trading/engine';
import { BacktestService } from '../../../src/main/core/trading/backtest-service';
import { noTradeHalfWidth, rebalanceTo, roundTripCost } from '../../../src/main/core/trading/rebalancer';
import { DEFAULT_COSTS, DEFAULT_RISK } from '../../../src/shared/contract/backtest';
import type { Strategy } from '../../../src/main/core/trading/types';
import { tempStore } from '../../support/temp-store';
import { HOUR, T0, instrumentsFor, randomMarket } from './helpers';

describe('cost-aware rebalancer', () => {
  it('scales its band to the round trip of fee and slippage, both ways', () => {
    // 2 x (0.055% + 2 bps) = 0.15% of notional; 20 of them = 3% of equity.
    expect(roundTripCost({ feeRate: 0.00055, slippageBps: 2 })).toBeCloseTo(0.0015, 12);
    expect(noTradeHalfWidth(DEFAULT_COSTS, DEFAULT_RISK)).toBeCloseTo(20 * 0.0015, 12);
    expect(noTradeHalfWidth({ feeRate: 0, slippageBps: 0 }, { noTradeBand: 20 })).toBe(0);
  });

  it('trades a change beyond the band to its target, and none inside it', () => {
    expect(rebalanceTo(0.5, 0.52, 0.03)).toBeNull();
    expect(rebalanceTo(0.5, 0.48, 0.03)).toBeNull();
    expect(rebalanceTo(0.5, 0.6, 0.03)).toBe(0.6);
    expect(rebalanceTo(0.5, 0, 0.03)).toBe(0);
    expect(rebalanceTo(0.2, -0.5, 0.03)).toBe(-0.5);
    expect(rebalanceTo(0.5, 0.5001, 0)).toBe(0.5001);
    // The plain drift threshold gates too.
    expect(rebalanceTo(0.5, 0.52, 0, 0.05)).toBeNull();
    expect(rebalanceTo(0.5, 0.6, 0, 0.05)).toBe(0.6);
  });

  it('does not trade a target that wobbles inside the band, and trades it when the band is off', () => {
    const market = randomMarket(mulberry32(3), ['AAA', 'BBB'], 200, 0.002);
    let k = 0;
    // 0.49/0.51 alternately: a wobble of 2% of equity, inside a 3% band: traded once, on entry.
    const wobble: Strategy = { name: 'wobble', decide: () => [0.5 + (k++ % 2 ? 0.01 : -0.01), 0] };
    const fillsWith = (noTradeBand: number) => {
      k = 0;
      const engine = new TradingEngine(
        {
          symbols: market.symbols,
          instruments: instrumentsFor(market.symbols),
          initialCapital: 100_000,
          risk: { noTradeBand, rebalanceThreshold: 0, minTradeNotional: 0, cadenceBars: 1 },
        },
        wobble,
      );
      let fills = 0;
      for (const bars of market.bars) fills += engine.onBar(bars).fills.length;
      return fills;
    };
    expect(fillsWith(20)).toBe(1);
    expect(fillsWith(0)).toBeGreaterThan(150);
  });

  it('keeps the default linear-lead-lag from burning its capital on a random walk (3 assets, 9 months hourly)', async () => {
    const store = tempStore('crossdesk-rebalancer-');
    try {
      const symbols = ['AAAUSDT', 'BBBUSDT', 'CCCUSDT'];
      const bars = 9 * 30 * 24;
      const market = randomMarket(mulberry32(11), symbols, bars, 0.006);
      symbols.forEach((symbol, i) =>
        store.repo.upsert(
          { feed: 'walk', symbol, interval: '60' },
          market.bars.map((b) => ({
            openTime: b.time,
            open: b.open[i]!,
            high: b.high[i]!,
            low: b.low[i]!,
            close: b.close[i]!,
            volume: b.volume[i]!,
            turnover: 0,
            confirmed: true,
            updatedAt: b.time + HOUR,
          })),
        ),
      );
      const service = new BacktestService({
        candles: store.repo,
        backtests: new BacktestsRepo(store.db),
        jobs: new JobRegistry(new CoreEvents()),
        clock: { now: () => T0 },
      });
      const result = await service.run(
        {
          feed: 'walk',
          symbols,
          interval: '60',
          from: T0,
          to: T0 + (bars - 1) * HOUR,
          strategy: 'linear-lead-lag',
        },
        new AbortController().signal,
      );
      const metrics = result.metrics.find((m) => m.role === 'strategy')!.metrics;
      // The figure before: 4,150 turns a year and 61% of capital in fees over 9 months.
      expect(metrics.years).toBeGreaterThan(0.4);
      expect(metrics.feesFraction).toBeLessThan(0.02);
      expect(metrics.annualTurnover ?? 0).toBeLessThan(40);
    } finally {
      store.dispose();
    }
  });
});
