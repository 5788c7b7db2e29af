// Walk-forward backtests over stored candles, through the same engine as paper trading. The strategy
// under test and every baseline step over the same bars in lockstep, with the same costs and risk
// overlay, and all start trading at the same first out-of-sample bar; before it, bars only build
// history. At each fold's first test bar the strategy is refitted by a pluggable `fit` that sees the
// bars of its training window only (a truncated view: it cannot read later bars).
import { CoreError } from '../../../shared/errors';
import { allBaselines } from './baselines';
import { DEFAULT_COSTS, type CostModel } from './broker';
import { TradingEngine, type StepResult } from './engine';
import type { FundingFeed, FundingPayment } from './funding';
import { barAt, type MarketData } from './market-data';
import {
  forecastMetrics,
  performanceMetrics,
  type ForecastOutcome,
  type PerformanceMetrics,
} from './metrics';
import { DEFAULT_RISK, type RiskConfig } from './risk';
import { runStatistics } from './run-statistics';
import type { BarSet, Fill, InstrumentSpec, Strategy } from './types';
import { planFolds, type Fold, type WalkForwardSettings } from './walk-forward';

export interface BacktestSettings {
  /** Quote coin; the seed chapter uses 100,000. */
  initialCapital: number;
  costs: CostModel;
  risk: RiskConfig;
  walkForward: WalkForwardSettings;
}

export const DEFAULT_BACKTEST_SETTINGS: BacktestSettings = {
  initialCapital: 100_000,
  costs: DEFAULT_COSTS,
  // Daily rebalancing on hourly bars, as in the seed chapter.
  risk: { ...DEFAULT_RISK, cadenceBars: 24 },
  // 90 days of hours to train, 30 to trade, a 24-bar label horizon.
  walkForward: { trainBars: 2160, testBars: 720, purgeBars: 24, expanding: false },
};

/** What a fit sees: its fold and the market up to the fold's last training bar, nothing later. */
export interface FitRequest {
  fold: Fold;
  data: MarketData;
  signal?: AbortSignal;
}

export interface FittedStrategy {
  strategy: Strategy;
  /** The registry id of the trained model, stored with the fold; null for rule-based strategies. */
  modelId: string | null;
}

export type FitFunction = (request: FitRequest) => Promise<FittedStrategy> | FittedStrategy;

export interface StrategyUnderTest {
  name: string;
  fit: FitFunction;
  /**
   * How many folds may be fitted at once (default 1). Above 1, the next folds' fits start while the
   * current fold is predicted and traded: each fit still sees only its own fold's training window, so
   * the results are the same as fitting one after the other; only the wall time changes.
   */
  concurrentFits?: number;
  /** Called once the run's fits are over (ended or stopped): what they kept between folds may go. */
  endFits?: () => void;
}

export interface BacktestRequest {
  data: MarketData;
  /** Bar length in ms, for annualising. */
  barMs: number;
  /** Lot rules in the symbol order of `data`. */
  instruments: InstrumentSpec[];
  /** Funding rates in the symbol order of `data`; without, funding is not modelled. */
  funding?: FundingFeed;
  settings: BacktestSettings;
  /** The strategy under test; null runs the baselines only. */
  strategy: StrategyUnderTest | null;
  /** Defaults to the four standard baselines. */
  baselines?: Strategy[];
  signal?: AbortSignal;
  /** Called about every `progressEveryBars` bars and at fold starts. */
  onProgress?: (done: number, total: number, message: string) => void;
  /** Lets the host's event loop run (progress events, cancel requests) between chunks of bars. */
  pause?: () => Promise<void>;
  progressEveryBars?: number;
}

export interface AttentionSeries {
  /** Decision bar open times. */
  times: number[];
  /** Per decision: rows query asset, columns key asset. */
  matrices: number[][][];
  /** Per decision, when the model has lags. */
  lagWeights: number[][];
}

export interface StrategyRun {
  name: string;
  role: 'strategy' | 'baseline';
  /** Equity at the close of each out-of-sample bar, E_0..E_n (times in BacktestResult.times). */
  equity: Float64Array;
  /** Gross exposure at the same closes. */
  gross: Float64Array;
  /** Weights at the same closes, row-major [bar x symbols + symbol]. */
  weights: Float64Array;
  fills: Fill[];
  /** Funding payments, a ledger of their own. */
  funding: FundingPayment[];
  metrics: PerformanceMetrics;
  attention: AttentionSeries | null;
}

export interface FoldResult extends Fold {
  trainFromTime: number;
  trainToTime: number;
  testFromTime: number;
  testToTime: number;
  modelId: string | null;
}

export interface BacktestResult {
  symbols: string[];
  folds: FoldResult[];
  /** Open times of the out-of-sample bars E_0..E_n are marked at (their closes). */
  times: Float64Array;
  runs: StrategyRun[];
}

interface Lane {
  run: StrategyRun;
  engine: TradingEngine;
}

const HOLD: Strategy = { name: 'hold', decide: () => null };

export async function runBacktest(request: BacktestRequest): Promise<BacktestResult> {
  const { data, settings } = request;
  const n = data.symbols.length;
  const barCount = data.times.length;
  const folds = planFolds(barCount, settings.walkForward);
  const first = folds[0];
  if (!first) {
    const { trainBars, purgeBars } = settings.walkForward;
    throw new CoreError(
      'DATA_INCOMPLETE',
      `A walk-forward backtest with ${trainBars} training bars and a ${purgeBars}-bar purge gap needs at least ` +
        `${trainBars + purgeBars + 2} bars where every symbol has a candle; the range has ${barCount}. ` +
        'Widen the range (backfill more history) or lower the training window.',
      { bars: barCount, needed: trainBars + purgeBars + 2 },
    );
  }
  const start = first.testFrom;
  const rows = barCount - start;
  const tradeFrom = data.times[start]!;
  const engineConfig = {
    symbols: data.symbols,
    instruments: request.instruments,
    initialCapital: settings.initialCapital,
    costs: settings.costs,
    risk: settings.risk,
    tradeFrom,
    funding: request.funding,
  };
  const lane = (name: string, role: StrategyRun['role'], strategy: Strategy): Lane => ({
    engine: new TradingEngine(engineConfig, strategy),
    run: {
      name,
      role,
      equity: new Float64Array(rows),
      gross: new Float64Array(rows),
      weights: new Float64Array(rows * n),
      fills: [],
      funding: [],
      metrics: undefined as unknown as PerformanceMetrics,
      attention: role === 'strategy' ? { times: [], matrices: [], lagWeights: [] } : null,
    },
  });
  const main = request.strategy ? lane(request.strategy.name, 'strategy', HOLD) : null;
  const lanes = [
    ...(main ? [main] : []),
    ...(request.baselines ?? allBaselines(data.symbols)).map((s) => lane(s.name, 'baseline', s)),
  ];

  const forecasts: Array<{ bar: number; horizon: number; predicted: number[] }> = [];
  const foldResults: FoldResult[] = [];
  const every = request.progressEveryBars ?? 2_000;
  const bar: BarSet = barAt(data, 0);
  let nextFold = 0;
  const fits = new FoldFits(request.strategy, folds, data, request.signal);

  try {
    for (let b = 0; b < barCount; b++) {
      const fold = folds[nextFold];
      if (fold && b === fold.testFrom) {
        nextFold++;
        request.signal?.throwIfAborted();
        let modelId: string | null = null;
        if (main && request.strategy) {
          request.onProgress?.(b, barCount, `fold ${fold.index + 1}/${folds.length}: fitting`);
          await request.pause?.();
          const fitted = await fits.take(fold.index);
          main.engine.setStrategy(fitted.strategy);
          modelId = fitted.modelId;
          if (fitted.strategy.prepare) {
            // Batch the fold's decisions (a model's inference); each is computed from bars <= its own.
            const cadence = settings.risk.cadenceBars;
            const bars: number[] = [];
            for (let d = fold.testFrom; d <= fold.testTo; d++) if ((d - start) % cadence === 0) bars.push(d);
            request.onProgress?.(
              b,
              barCount,
              `fold ${fold.index + 1}/${folds.length}: predicting ${bars.length} decisions`,
            );
            await fitted.strategy.prepare({ data: truncate(data, fold.testTo), bars });
            request.signal?.throwIfAborted();
          }
        }
        foldResults.push({
          ...fold,
          trainFromTime: data.times[fold.trainFrom]!,
          trainToTime: data.times[fold.trainTo]!,
          testFromTime: data.times[fold.testFrom]!,
          testToTime: data.times[fold.testTo]!,
          modelId,
        });
      }
      barAt(data, b, bar);
      for (const { engine, run } of lanes) {
        const step = engine.onBar(bar);
        if (b >= start) record(run, step, b - start, n);
        if (run.attention) collectModelOutputs(run.attention, step, b, forecasts);
      }
      if (b % every === every - 1) {
        request.signal?.throwIfAborted();
        request.onProgress?.(b + 1, barCount, `bar ${b + 1}/${barCount}`);
        await request.pause?.();
      }
    }
  } finally {
    // A run that ends early (an error, a cancellation) stops the fits it started ahead and waits for
    // them, so that none registers a fold model after the run has given up.
    await fits.close();
  }

  const outcomes = forecastOutcomes(data, forecasts);
  for (const { engine, run } of lanes) {
    run.metrics = performanceMetrics({
      equity: run.equity,
      gross: run.gross,
      barMs: request.barMs,
      tradedNotional: sum(engine.portfolio.tradedNotional),
      feesPaid: engine.portfolio.totalFees(),
      fundingPaid: engine.portfolio.totalFunding(),
      assetPnl: assetPnl(engine, data),
    });
    if (run.role === 'strategy' && outcomes.length > 0) run.metrics.forecast = forecastMetrics(outcomes);
  }
  runStatistics(
    lanes.map((l) => l.run),
    outcomes,
    request.barMs,
  );
  request.onProgress?.(barCount, barCount, 'done');
  return {
    symbols: [...data.symbols],
    folds: foldResults,
    times: data.times.slice(start),
    runs: lanes.map((l) => l.run),
  };
}

function record(run: StrategyRun, step: StepResult, k: number, n: number): void {
  const s = step.state;
  run.equity[k] = s.equity;
  run.gross[k] = s.gross;
  run.weights.set(s.weights, k * n);
  for (const fill of step.fills) run.fills.push(fill);
  // The engine reuses its payment objects' array, not the objects: keeping them is safe.
  for (const payment of step.funding) run.funding.push(payment);
}

function collectModelOutputs(
  attention: AttentionSeries,
  step: StepResult,
  bar: number,
  forecasts: Array<{ bar: number; horizon: number; predicted: number[] }>,
): void {
  const decision = step.decision;
  if (!decision) return;
  if (decision.forecast) {
    forecasts.push({
      bar,
      horizon: decision.forecast.horizon,
      predicted: Array.from(decision.forecast.returns),
    });
  }
  if (decision.attention) {
    attention.times.push(step.time);
    attention.matrices.push(decision.attention.matrix.map((row) => [...row]));
    if (decision.attention.lagWeights) attention.lagWeights.push([...decision.attention.lagWeights]);
  }
}

/** Realised log returns over each forecast's horizon, from the close of its decision bar. */
function forecastOutcomes(
  data: MarketData,
  forecasts: Array<{ bar: number; horizon: number; predicted: number[] }>,
): ForecastOutcome[] {
  const n = data.symbols.length;
  const out: ForecastOutcome[] = [];
  for (const f of forecasts) {
    const later = f.bar + f.horizon;
    if (later >= data.times.length) continue;
    const realised = new Array<number>(n);
    for (let i = 0; i < n; i++)
      realised[i] = Math.log(data.close[later * n + i]! / data.close[f.bar * n + i]!);
    out.push({ predicted: f.predicted, realised });
  }
  return out;
}

/** Per asset: realised + unrealised at the last close - fees - funding. Every lane starts flat at the first test bar. */
function assetPnl(engine: TradingEngine, data: MarketData): Record<string, number> {
  const n = data.symbols.length;
  const last = data.times.length - 1;
  const p = engine.portfolio;
  const out: Record<string, number> = {};
  data.symbols.forEach((symbol, i) => {
    out[symbol] = p.realised[i]! + p.unrealised(i, data.close[last * n + i]!) - p.fees[i]! - p.funding[i]!;
  });
  return out;
}

/** The first `lastBar + 1` bars as views (no copy). */
function truncate(data: MarketData, lastBar: number): MarketData {
  const n = data.symbols.length;
  const end = (lastBar + 1) * n;
  return {
    symbols: data.symbols,
    times: data.times.subarray(0, lastBar + 1),
    open: data.open.subarray(0, end),
    high: data.high.subarray(0, end),
    low: data.low.subarray(0, end),
    close: data.close.subarray(0, end),
    volume: data.volume.subarray(0, end),
    turnover: data.turnover.subarray(0, end),
  };
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

/**
 * The strategy's fold fits, taken in fold order, with up to `concurrentFits` running at once. A fit
 * that ends starts the next fold's at once, up to twice that many folds ahead of the one trading: a
 * fold that trains long then no longer holds a core idle while the folds after it wait for it to be
 * taken. (With one fit at a time nothing runs ahead.) A fit that fails is reported when its fold's
 * turn comes, and no further fit starts; fits still running when the run ends are aborted.
 */
class FoldFits {
  private readonly pending = new Map<number, Promise<FittedStrategy>>();
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;
  private readonly ahead: number;
  /** Folds that may be started beyond the one being taken. */
  private readonly window: number;
  private nextStart = 0;
  private taking = 0;
  private running = 0;
  private failed = false;

  constructor(
    private readonly strategy: StrategyUnderTest | null,
    private readonly folds: readonly Fold[],
    private readonly data: MarketData,
    signal: AbortSignal | undefined,
  ) {
    this.signal = signal ? AbortSignal.any([signal, this.stop.signal]) : this.stop.signal;
    this.ahead = Math.max(1, Math.floor(strategy?.concurrentFits ?? 1));
    this.window = this.ahead === 1 ? 1 : 2 * this.ahead;
  }

  /** Fold `index`'s fit (folds are taken in order), with the fits after it started as cores free up. */
  take(index: number): Promise<FittedStrategy> {
    this.taking = index;
    this.nextStart = Math.max(this.nextStart, index);
    if (!this.pending.has(index)) this.start(index);
    this.fill();
    const fit = this.pending.get(index)!;
    this.pending.delete(index);
    return fit;
  }

  private fill(): void {
    while (
      this.strategy &&
      !this.failed &&
      !this.signal.aborted &&
      this.running < this.ahead &&
      this.nextStart < Math.min(this.folds.length, this.taking + this.window)
    ) {
      this.start(this.nextStart);
    }
  }

  private start(index: number): void {
    if (!this.strategy || this.pending.has(index)) return;
    this.nextStart = Math.max(this.nextStart, index + 1);
    const fold = this.folds[index]!;
    const strategy = this.strategy;
    this.running++;
    const fit = Promise.resolve().then(() =>
      strategy.fit({ fold, data: truncate(this.data, fold.trainTo), signal: this.signal }),
    );
    this.pending.set(index, fit);
    // Awaited in fold order by take(); until then a failure must not count as unhandled.
    fit.then(
      () => {
        this.running--;
        this.fill();
      },
      () => {
        this.running--;
        this.failed = true;
      },
    );
  }

  async close(): Promise<void> {
    if (this.pending.size > 0) {
      this.stop.abort();
      await Promise.allSettled(this.pending.values());
      this.pending.clear();
    }
    this.strategy?.endFits?.();
  }
}
