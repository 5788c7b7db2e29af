// The backtest domain behind the contract: resolves a run's settings, loads and aligns the stored
// candles, runs the walk-forward backtest as a job (progress, cancel) and stores the whole run; lists,
// loads, exports and deletes stored runs.
import { randomUUID } from 'node:crypto';
import type { HandlerParams } from '../../../shared/contract';
import type {
  BacktestDetail,
  BacktestStrategyName,
  BacktestSummary,
  PerformanceMetricsDto,
  RunMarketRules,
} from '../../../shared/contract/backtest';
import { RunMarketRulesSchema } from '../../../shared/contract/backtest';
import { baseAsset, intervalMs, intervalName } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import type { Clock } from '../clock';
import type { JobRegistry } from '../jobs';
import type { BacktestListing, BacktestsRepo, StoredBacktest } from '../store/backtests.repo';
import type { CandlesRepo } from '../store/candles.repo';
import type { FundingRepo } from '../store/funding.repo';
import type { InstrumentsRepo } from '../store/instruments.repo';
import {
  DEFAULT_BACKTEST_SETTINGS,
  runBacktest,
  type BacktestSettings,
  type StrategyUnderTest,
} from './backtest';
import { allBaselines } from './baselines';
import { DEFAULT_COSTS } from './broker';
import { backtestCsv, type CsvTable } from './backtest-csv';
import { fundingForRun, instrumentsForRun, marketRulesReport } from './instruments';
import { linearLeadLagFit } from './linear-lead-lag';
import {
  DEFAULT_MODEL_WEIGHTS_FROM,
  modelHorizon,
  modelWalkForwardFit,
  type ModelBacktestSettings,
  type ModelPort,
} from './model-strategy';
import { alignMarketData } from './market-data';
import { roundTripCost } from './rebalancer';
import { DEFAULT_RISK } from './risk';
import { baselineStrategy } from './strategies';

type RunParams = HandlerParams<'backtest.run'>;

export interface BacktestDeps {
  candles: CandlesRepo;
  backtests: BacktestsRepo;
  /** The feeds' stored lot rules; without, rules are derived (and the run says so). */
  instruments?: InstrumentsRepo;
  /** The feeds' stored funding history; without, funding is not modelled (and the run says so). */
  funding?: FundingRepo;
  jobs: JobRegistry;
  clock: Clock;
  /** The model domain (training per fold, batch inference); absent, the 'model' strategy is refused. */
  model?: ModelPort;
  /** Lets the event loop run between chunks of bars (the host passes setImmediate). */
  pause?: () => Promise<void>;
}

const DAY_MS = 86_400_000;

/** The label horizon of a strategy, in bars: the default purge gap. */
function horizonOf(
  strategy: BacktestStrategyName,
  model: ModelBacktestSettings | undefined,
  port: ModelPort | undefined,
): number {
  if (strategy === 'model') return port ? modelHorizon(model ?? {}, port) : 1;
  return strategy === 'linear-lead-lag' ? 1 : 0;
}

/** Settings with the defaults applied: 90 days of training, 30 days per fold, daily rebalancing. */
export function resolveSettings(
  params: RunParams,
  strategy: BacktestStrategyName,
  port?: ModelPort,
): BacktestSettings {
  const barMs = intervalMs(params.interval);
  const days = (d: number) => Math.max(1, Math.round((d * DAY_MS) / barMs));
  const defaultCadence = strategy === 'linear-lead-lag' ? 1 : Math.max(1, Math.round(DAY_MS / barMs));
  return {
    initialCapital: params.initialCapital ?? DEFAULT_BACKTEST_SETTINGS.initialCapital,
    costs: { ...DEFAULT_COSTS, ...params.costs },
    risk: { ...DEFAULT_RISK, cadenceBars: defaultCadence, ...params.risk },
    walkForward: {
      trainBars: params.trainBars ?? days(90),
      testBars: params.testBars ?? days(30),
      purgeBars: params.purgeBars ?? horizonOf(strategy, params.model, port),
      expanding: params.expanding ?? false,
    },
  };
}

export class BacktestService {
  constructor(private readonly deps: BacktestDeps) {}

  async run(params: RunParams, signal: AbortSignal): Promise<BacktestSummary & { jobId: string }> {
    const strategyName = params.strategy;
    const settings = resolveSettings(params, strategyName, this.deps.model);
    const symbols = [...params.symbols];
    // Known before the run so that its fold models are stamped with it as they are trained.
    const id = `bt-${randomUUID().slice(0, 8)}`;
    // Folds a model may fit at once (one when every fold reuses a stored model: nothing trains).
    const concurrentFits =
      strategyName === 'model' && !params.model?.modelId
        ? ((await this.deps.model?.concurrentTrainings?.()) ?? 1)
        : 1;
    const underTest = this.strategyUnderTest(
      strategyName,
      params,
      symbols,
      settings.costs,
      id,
      concurrentFits,
    );
    const baselines = allBaselines(symbols).filter((b) => b.name !== strategyName);

    const candles = Object.fromEntries(
      symbols.map((symbol) => {
        const list = this.deps.candles.range(
          { feed: params.feed, symbol, interval: params.interval },
          { from: params.from, to: params.to },
        );
        if (list.length === 0) {
          throw new CoreError(
            'DATA_INCOMPLETE',
            `No stored ${params.interval} candles of ${symbol} on feed '${params.feed}' in the chosen range. ` +
              'Backfill the range first (market.backfill or the `backfill` command).',
            { symbol, feed: params.feed, interval: params.interval },
          );
        }
        return [symbol, list];
      }),
    );
    const data = alignMarketData(symbols, candles);
    const instruments = instrumentsForRun(this.deps.instruments, params.feed, symbols, data.close);
    const lastBar = data.times[data.times.length - 1] ?? params.to;
    const funding = fundingForRun(
      this.deps.funding,
      params.feed,
      symbols,
      data.times[0] ?? params.from,
      // Funding times inside the last bar are settled on positions held through it.
      lastBar + intervalMs(params.interval) - 1,
    );
    const marketRules = marketRulesReport(instruments, funding);

    return this.deps.jobs.run('backtest', params.jobId, signal, async (job) => {
      const result = await runBacktest({
        data,
        barMs: intervalMs(params.interval),
        instruments: instruments.specs,
        funding: funding.feed,
        settings,
        strategy: underTest,
        baselines,
        signal: job.signal,
        onProgress: (done, total, message) => job.progress(done, total, message),
        pause: this.deps.pause,
      }).catch((err: unknown) => {
        // A run that is not stored leaves no fold models behind.
        this.deps.model?.registry.deleteOfBacktest?.(id);
        throw err;
      });
      if (job.signal.aborted) this.deps.model?.registry.deleteOfBacktest?.(id);
      job.throwIfCancelled();
      const stored: StoredBacktest = {
        id,
        name:
          params.name ??
          `${strategyName} ${symbols.map(baseAsset).join('+')} ${intervalName(params.interval)}`,
        createdAt: this.deps.clock.now(),
        feed: params.feed,
        symbols,
        interval: params.interval,
        from: params.from,
        to: params.to,
        strategy: strategyName,
        params: {
          strategy: strategyName,
          ...settings,
          model:
            strategyName === 'model'
              ? { weightsFrom: DEFAULT_MODEL_WEIGHTS_FROM, ...(params.model ?? {}) }
              : (params.model ?? null),
          marketRules,
        },
        bars: Math.max(0, result.times.length - 1),
        times: result.times,
        folds: result.folds.map((f) => ({
          index: f.index,
          trainFrom: f.trainFromTime,
          trainTo: f.trainToTime,
          testFrom: f.testFromTime,
          testTo: f.testToTime,
          modelId: f.modelId,
        })),
        runs: result.runs.map((r) => ({
          strategy: r.name,
          role: r.role,
          metrics: r.metrics,
          equity: r.equity,
          gross: r.gross,
          weights: r.weights,
          fills: r.fills,
          funding: r.funding,
        })),
        attention:
          result.runs.find((r) => r.role === 'strategy' && r.attention && r.attention.times.length > 0)
            ?.attention ?? null,
      };
      this.deps.backtests.insert(stored);
      return { ...summaryOf(listingOf(stored)), jobId: job.id };
    });
  }

  list(limit?: number): BacktestSummary[] {
    return this.deps.backtests.list(limit).map(summaryOf);
  }

  get(id: string, fills = false, fillsOf?: string): BacktestDetail {
    const run = this.load(id);
    const n = run.symbols.length;
    return {
      ...summaryOf(listingOf(run)),
      params: (run.params ?? {}) as Record<string, unknown>,
      foldList: run.folds,
      times: Array.from(run.times),
      series: run.runs.map((r) => ({
        strategy: r.strategy,
        role: r.role,
        equity: Array.from(r.equity),
        drawdown: drawdownSeries(r.equity),
        gross: Array.from(r.gross),
        weights: Array.from({ length: r.equity.length }, (_, k) =>
          Array.from(r.weights.subarray(k * n, k * n + n)),
        ),
      })),
      attention: run.attention,
      fillCounts: this.deps.backtests.fillCounts(id),
      ...(fills || fillsOf !== undefined
        ? { fills: this.deps.backtests.fills(id, fillsOf), funding: this.deps.backtests.funding(id, fillsOf) }
        : {}),
    };
  }

  /** Deletes the run and the fold models it trained. */
  delete(id: string): boolean {
    const deleted = this.deps.backtests.delete(id);
    this.deps.model?.registry.deleteOfBacktest?.(id);
    return deleted;
  }

  exportCsv(id: string, table: CsvTable): { filename: string; csv: string } {
    const run = this.load(id);
    const fills = table === 'fills' ? this.deps.backtests.fills(id) : [];
    const funding = table === 'funding' ? this.deps.backtests.funding(id) : [];
    return { filename: `${id}-${table}.csv`, csv: backtestCsv(run, table, fills, funding) };
  }

  private load(id: string): StoredBacktest {
    const run = this.deps.backtests.get(id);
    if (!run)
      throw new CoreError(
        'NOT_FOUND',
        `There is no stored backtest '${id}'. backtest.list shows the stored runs.`,
      );
    return run;
  }

  private strategyUnderTest(
    name: BacktestStrategyName,
    params: RunParams,
    symbols: string[],
    costs: BacktestSettings['costs'],
    backtestId: string,
    concurrentFits: number,
  ): StrategyUnderTest {
    if (name === 'model') {
      const port = this.deps.model;
      if (!port) {
        throw new CoreError(
          'INVALID_PARAMS',
          "The attention model is not available to backtests in this build; choose another strategy (e.g. 'linear-lead-lag').",
        );
      }
      const series = { feed: params.feed, symbols, interval: params.interval };
      return {
        name: 'model',
        fit: modelWalkForwardFit(port, series, params.model ?? {}, backtestId),
        concurrentFits,
        // The fold trainings' workers were kept from one fold to the next (model/worker-client.ts).
        endFits: () => port.endKeptTrainingWorkers?.(),
      };
    }
    if (name === 'linear-lead-lag') return { name, fit: linearLeadLagFit({ minEdge: roundTripCost(costs) }) };
    // A baseline as the strategy under test: nothing to fit, one instance for the whole run.
    const strategy = baselineStrategy(name, symbols)!;
    return { name, fit: () => ({ strategy, modelId: null }) };
  }
}

function listingOf(run: StoredBacktest): BacktestListing {
  return {
    ...run,
    outOfSampleFrom: run.times[0] ?? run.from,
    outOfSampleTo: run.times[run.times.length - 1] ?? run.to,
    folds: run.folds.length,
    metrics: run.runs.map((r) => ({ strategy: r.strategy, role: r.role, metrics: r.metrics })),
  };
}

function summaryOf(l: BacktestListing): BacktestSummary {
  return {
    id: l.id,
    name: l.name,
    createdAt: l.createdAt,
    feed: l.feed,
    symbols: l.symbols,
    interval: l.interval,
    from: l.from,
    to: l.to,
    strategy: l.strategy,
    outOfSampleFrom: l.outOfSampleFrom,
    outOfSampleTo: l.outOfSampleTo,
    bars: l.bars,
    folds: l.folds,
    ...marketRulesOf(l.params),
    metrics: l.metrics.map((m) => ({
      strategy: m.strategy,
      role: m.role,
      metrics: m.metrics as PerformanceMetricsDto,
    })),
  };
}

/** The stored run's lot-rule sources and funding notes (runs stored before them have none). */
function marketRulesOf(params: unknown): { marketRules?: RunMarketRules } {
  const parsed = RunMarketRulesSchema.safeParse((params as { marketRules?: unknown } | null)?.marketRules);
  return parsed.success ? { marketRules: parsed.data } : {};
}

function drawdownSeries(equity: Float64Array): number[] {
  let peak = -Infinity;
  return Array.from(equity, (e) => {
    peak = Math.max(peak, e);
    return peak > 0 ? 1 - e / peak : 0;
  });
}
