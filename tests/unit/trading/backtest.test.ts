// Walk-forward backtests on the simulator's synthetic market: fold plan, fit isolation, lockstep
// baselines, and the look-ahead guard (no edge on a random walk, an edge on the planted lead-lag).
import { describe, expect, it } from 'vitest';
import type { Interval } from '../../../src/shared/domain';
import { CoreError } from '../../../src/shared/errors';
import { instrumentRules } from '../../../src/main/core/market/simulator/instruments';
import {
  DEFAULT_MARKET_SPEC,
  generateMarket,
  randomWalkSpec,
  type MarketSpec,
} from '../../../src/main/core/market/simulator/synthetic';
import {
  DEFAULT_BACKTEST_SETTINGS,
  runBacktest,
  type BacktestSettings,
  type FitRequest,
} from '../../../src/main/core/trading/backtest';
import { linearLeadLagFit } from '../../../src/main/core/trading/linear-lead-lag';
import { alignMarketData, type MarketData } from '../../../src/main/core/trading/market-data';
import type { InstrumentSpec } from '../../../src/main/core/trading/types';
import { planFolds } from '../../../src/main/core/trading/walk-forward';

const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 1);
const SYMBOLS = DEFAULT_MARKET_SPEC.symbols;

function market(spec: MarketSpec, seed: number, bars: number, interval: Interval = '60'): MarketData {
  return alignMarketData(spec.symbols, generateMarket(spec, { seed, interval, startTime: START, bars }));
}

function instruments(spec: MarketSpec): InstrumentSpec[] {
  return spec.symbols.map((symbol) => {
    const r = instrumentRules(symbol, spec.startPrices[symbol] ?? 100);
    return {
      symbol,
      qtyStep: 10 ** -r.qtyDecimals,
      minOrderQty: r.minOrderQty,
      minNotionalValue: r.minNotionalValue,
    };
  });
}

function settings(overrides: Partial<BacktestSettings> = {}): BacktestSettings {
  return {
    ...DEFAULT_BACKTEST_SETTINGS,
    risk: { ...DEFAULT_BACKTEST_SETTINGS.risk, cadenceBars: 1, rebalanceThreshold: 0.05 },
    walkForward: { trainBars: 600, testBars: 300, purgeBars: 1, expanding: false },
    ...overrides,
  };
}

/** What every run here shares: hourly bars of the default market's instruments, the test settings. */
function onDefaultMarket() {
  return { barMs: HOUR, instruments: instruments(DEFAULT_MARKET_SPEC), settings: settings() };
}

/** The lead-lag fit's result (it fits synchronously), to be given a model id of the test's own. */
function fittedNow(fit: ReturnType<typeof linearLeadLagFit>, request: FitRequest) {
  return fit(request) as ReturnType<typeof fit> & object;
}

/**
 * A walk-forward of the lead-lag fit on the default market, `concurrentFits` at a time, where each
 * fold's fit first awaits `before` (its training time, or its failure): fold k's model is `m<k>`.
 */
function runTimedFits(
  data: MarketData,
  concurrentFits: number,
  before: (request: FitRequest) => Promise<void>,
) {
  const fit = linearLeadLagFit();
  return runBacktest({
    data,
    ...onDefaultMarket(),
    strategy: {
      name: 'lead-lag',
      concurrentFits,
      fit: async (request: FitRequest) => {
        await before(request);
        return { ...fittedNow(fit, request), modelId: `m${request.fold.index}` };
      },
    },
  });
}

describe('walk-forward plan', () => {
  it('tiles the out-of-sample bars with test windows after a purge gap, sliding or expanding the training window', () => {
    const folds = planFolds(1000, { trainBars: 300, testBars: 250, purgeBars: 24, expanding: false });
    expect(folds.map((f) => [f.trainFrom, f.trainTo, f.testFrom, f.testTo])).toEqual([
      [0, 299, 324, 573],
      [250, 549, 574, 823],
      [500, 799, 824, 999],
    ]);
    for (const f of folds) expect(f.testFrom - f.trainTo - 1).toBe(24);
    const expanding = planFolds(1000, { trainBars: 300, testBars: 250, purgeBars: 24, expanding: true });
    expect(expanding.map((f) => f.trainFrom)).toEqual([0, 0, 0]);
    expect(planFolds(325, { trainBars: 300, testBars: 250, purgeBars: 24, expanding: false })).toEqual([]);
  });
});

describe('walk-forward backtest', () => {
  it('refits at each fold on its training window only and runs every baseline on the same bars', async () => {
    const data = market(DEFAULT_MARKET_SPEC, 7, 1500);
    const seen: Array<{ fold: number; lastTime: number; bars: number; trainTo: number }> = [];
    const fit = linearLeadLagFit();
    const result = await runBacktest({
      data,
      ...onDefaultMarket(),
      strategy: {
        name: 'lead-lag',
        fit: (request: FitRequest) => {
          seen.push({
            fold: request.fold.index,
            lastTime: request.data.times[request.data.times.length - 1]!,
            bars: request.data.close.length / SYMBOLS.length,
            trainTo: request.fold.trainTo,
          });
          return {
            ...fittedNow(fit, request),
            modelId: `model-${request.fold.index}`,
          };
        },
      },
    });
    // Folds: tests start at 601, 901, 1201.
    expect(seen.map((s) => s.fold)).toEqual([0, 1, 2]);
    for (const s of seen) {
      expect(s.bars).toBe(s.trainTo + 1);
      expect(s.lastTime).toBe(data.times[s.trainTo]);
    }
    expect(result.folds.map((f) => f.modelId)).toEqual(['model-0', 'model-1', 'model-2']);
    expect(result.folds[0]!.testFromTime).toBe(data.times[601]);
    expect(result.runs.map((r) => r.name)).toEqual([
      'lead-lag',
      'equal-weight-rebalanced',
      'equal-weight-buy-and-hold',
      'btc-only',
      'cross-sectional-momentum',
    ]);
    expect(result.times.length).toBe(1500 - 601);
    for (const run of result.runs) {
      expect(run.equity.length).toBe(result.times.length);
      expect(run.equity[0]).toBe(100_000); // E_0: the close of the first decision bar, nothing filled yet
      expect(run.fills.length).toBeGreaterThan(0);
      // The first fill is at the open of the bar after the first decision.
      expect(run.fills[0]!.time).toBe(result.times[1]);
      // Per-asset contributions add up to the total return.
      const contributions = Object.values(run.metrics.contribution).reduce((s, x) => s + x, 0);
      expect(contributions).toBeCloseTo(run.metrics.totalReturn, 9);
      expect(run.metrics.bars).toBe(result.times.length - 1);
    }
    const btc = result.runs.find((r) => r.name === 'btc-only')!;
    const n = SYMBOLS.length;
    const first = btc.fills[0]!;
    const lastClose = data.close[(data.times.length - 1) * n]!;
    expect(btc.equity[btc.equity.length - 1]).toBeCloseTo(
      100_000 - first.fee + first.quantity * (lastClose - first.price),
      6,
    );
    expect(result.runs[0]!.metrics.forecast?.count).toBeGreaterThan(0);
  });

  it('finds no edge on random walks (before costs) and a positive after-cost edge beating every baseline on the planted lead-lag', async () => {
    const periodsPerYear = 365 * 24;
    for (const seed of [11, 12, 13]) {
      const spec = randomWalkSpec(SYMBOLS);
      const data = market(spec, seed, 2400);
      const result = await runBacktest({
        data,
        barMs: HOUR,
        instruments: instruments(spec),
        settings: settings({ costs: { ...DEFAULT_BACKTEST_SETTINGS.costs, feeRate: 0, slippageBps: 0 } }),
        strategy: { name: 'lead-lag', fit: linearLeadLagFit() },
      });
      const m = result.runs[0]!.metrics;
      // The standard error of an annualised Sharpe ratio over n bars is about sqrt(P / n).
      const standardError = Math.sqrt(periodsPerYear / m.bars);
      expect(Math.abs(m.sharpe ?? 0)).toBeLessThan(3 * standardError);
      expect(m.forecast!.hitRate!).toBeGreaterThan(0.46);
      expect(m.forecast!.hitRate!).toBeLessThan(0.54);
      expect(Math.abs(m.forecast!.pooledInformationCoefficient!)).toBeLessThan(0.06);
    }
    for (const seed of [21, 22]) {
      const data = market(DEFAULT_MARKET_SPEC, seed, 2400);
      const result = await runBacktest({
        data,
        ...onDefaultMarket(),
        strategy: { name: 'lead-lag', fit: linearLeadLagFit() },
      });
      const [strategy, ...baselines] = result.runs;
      expect(strategy!.metrics.sharpe!).toBeGreaterThan(1);
      expect(strategy!.metrics.feesPaid).toBeGreaterThan(0);
      for (const b of baselines)
        expect(strategy!.metrics.sharpe!).toBeGreaterThan(b.metrics.sharpe ?? -Infinity);
      expect(strategy!.metrics.forecast!.hitRate!).toBeGreaterThan(0.6);
    }
  });

  it('runs the baselines alone, and refuses a range too short for one fold with DATA_INCOMPLETE', async () => {
    const data = market(DEFAULT_MARKET_SPEC, 3, 700);
    const result = await runBacktest({
      data,
      ...onDefaultMarket(),
      strategy: null,
    });
    expect(result.runs.map((r) => r.role)).toEqual(['baseline', 'baseline', 'baseline', 'baseline']);
    const short = market(DEFAULT_MARKET_SPEC, 3, 602);
    const error = await runBacktest({
      data: short,
      ...onDefaultMarket(),
      strategy: null,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('DATA_INCOMPLETE');
    expect((error as CoreError).message).toMatch(/needs at least 603 bars/);
  });

  it('fits folds ahead when the strategy allows two at once: the same result, two fits in flight, folds taken in order', async () => {
    const data = market(DEFAULT_MARKET_SPEC, 11, 2100);
    const run = async (concurrentFits: number) => {
      let inFlight = 0;
      let most = 0;
      const started: number[] = [];
      // A fit that takes time, as a model's training does (later folds finish sooner).
      const result = await runTimedFits(data, concurrentFits, async ({ fold }) => {
        started.push(fold.index);
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 40 - fold.index * 8));
        inFlight--;
      });
      return { result, most, started };
    };
    const one = await run(1);
    const two = await run(2);
    expect(one.most).toBe(1);
    expect(two.most).toBe(2);
    expect(two.started).toEqual([0, 1, 2, 3, 4]);
    expect(two.result.folds.map((f) => f.modelId)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(two.result.folds).toEqual(one.result.folds);
    for (const [i, r] of two.result.runs.entries()) {
      expect(Array.from(r.equity)).toEqual(Array.from(one.result.runs[i]!.equity));
      expect(r.fills).toEqual(one.result.runs[i]!.fills);
    }
  });

  it('starts the next fit as soon as one ends: a fold that trains long holds no core idle', async () => {
    const events: string[] = [];
    let inFlight = 0;
    let most = 0;
    // Fold 1 trains long; folds 2 and 3 are quick.
    const result = await runTimedFits(market(DEFAULT_MARKET_SPEC, 11, 2100), 2, async ({ fold }) => {
      events.push(`start ${fold.index}`);
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, fold.index === 0 ? 120 : 10));
      inFlight--;
      events.push(`end ${fold.index}`);
    });
    // Folds 2 and 3 were fitted on the second core while fold 1 still trained, two at a time at most.
    expect(events.indexOf('start 2')).toBeLessThan(events.indexOf('end 0'));
    expect(events.indexOf('start 3')).toBeLessThan(events.indexOf('end 0'));
    expect(most).toBe(2);
    expect(result.folds.map((f) => f.modelId)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('stops the fits it started ahead when a fold fails, and waits for them before it rejects', async () => {
    const aborted: number[] = [];
    let settled = 0;
    const error = await runTimedFits(market(DEFAULT_MARKET_SPEC, 12, 2100), 2, async (request) => {
      const index = request.fold.index;
      try {
        if (index === 1) {
          await new Promise((resolve) => setTimeout(resolve, 30));
          throw new CoreError('INTERNAL', 'fold 2 diverged');
        }
        // Fold 3's fit (started when fold 1's ended, ahead of fold 2) runs until the run stops it.
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => {
            clearTimeout(timer);
            aborted.push(index);
            reject(new CoreError('CANCELLED', 'stopped'));
          };
          const timer = setTimeout(
            () => {
              request.signal?.removeEventListener('abort', onAbort);
              resolve();
            },
            index === 2 ? 60_000 : 10,
          );
          request.signal?.addEventListener('abort', onAbort);
        });
      } finally {
        settled++;
      }
    }).catch((err: unknown) => err);
    expect((error as CoreError).message).toBe('fold 2 diverged');
    expect(aborted).toEqual([2]);
    // Folds 1, 2 and the one started ahead: none still running once the run has rejected.
    expect(settled).toBe(3);
  });

  it('stops when its signal aborts, reporting progress until then', async () => {
    const data = market(DEFAULT_MARKET_SPEC, 4, 1500);
    const controller = new AbortController();
    const progress: number[] = [];
    const run = runBacktest({
      data,
      ...onDefaultMarket(),
      strategy: null,
      signal: controller.signal,
      progressEveryBars: 100,
      onProgress: (done) => {
        progress.push(done);
        if (done >= 700) controller.abort();
      },
      pause: () => new Promise((resolve) => setImmediate(resolve)),
    });
    await expect(run).rejects.toThrow();
    expect(progress.at(-1)).toBe(700);
  });
});
