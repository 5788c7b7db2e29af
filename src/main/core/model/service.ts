// The model domain's operations: train (a job in a worker thread), list/get/delete, predict. Candles
// come from the store, aligned strictly (a gap is an error, never filled).
import { randomUUID } from 'node:crypto';
import {
  baseAsset,
  intervalName,
  type BackendName,
  type Candle,
  type Interval,
} from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import { ModelConfigSchema, type ModelInfo, type Prediction } from '../../../shared/contract/model';
import type { HandlerParams } from '../../../shared/contract';
import type { Clock } from '../clock';
import type { CoreEvents } from '../events';
import type { JobRegistry } from '../jobs';
import { alignCandles, type AlignedCandles } from '../features/align';
import { WARMUP_BARS } from '../features/indicators';
import { buildFeatureMatrix, createWindowSource, firstDecisionBar, gatherWindows } from '../features/windows';
import type { CandlesRepo } from '../store/candles.repo';
import type { ModelsRepo } from '../store/models.repo';
import { chooseBackends } from './backend-choice';
import { featureSpecOf } from './dataset';
import { predictWindows, type SamplePrediction } from './infer';
import { ModelRegistry } from './registry';
import type { TrainingInput, TrainingOutcome } from './training-job';
import type { TrainProgress } from './trainer';
import { closeIdleTrainingWorkers, trainInWorker, type WorkerTrainingOptions } from './worker-client';

export interface ModelDeps {
  models: ModelsRepo;
  candles: CandlesRepo;
  events: CoreEvents;
  jobs: JobRegistry;
  clock: Clock;
  /** How training runs; default a worker thread. Tests may pass the in-process runner. */
  train?: (input: TrainingInput, options: WorkerTrainingOptions) => Promise<TrainingOutcome>;
  /** Backend for training workers and predictions; default chosen per job by measurement at start. */
  backend?: BackendName;
}

/** Extra bars before a prediction's window so the MACD's EMAs have forgotten their seed (< 1e-6). */
const EMA_SETTLE_BARS = 300;

export class ModelService {
  readonly registry: ModelRegistry;

  constructor(private readonly deps: ModelDeps) {
    this.registry = new ModelRegistry(deps.models);
  }

  private loadAligned(
    feed: string,
    symbols: string[],
    interval: Interval,
    from: number | undefined,
    to: number | undefined,
    limit?: number,
  ): AlignedCandles {
    const series = symbols.map((symbol) => ({
      symbol,
      candles: this.deps.candles.range({ feed, symbol, interval }, { from, to, limit }) as Candle[],
    }));
    return alignCandles(series, interval);
  }

  /** Trainings that may run at once on the training backend (backend-choice.ts). */
  async concurrentTrainings(): Promise<number> {
    return (await chooseBackends({ pinned: this.deps.backend })).concurrentTrainings;
  }

  /** `backtestId`: a backtest's fold model, listed and deleted with that run. */
  async train(
    params: HandlerParams<'model.train'> & { backtestId?: string },
    signal: AbortSignal,
  ): Promise<ModelInfo> {
    const { events, jobs, clock } = this.deps;
    const config = params.config ?? ModelConfigSchema.parse({});
    return jobs.run('model.train', params.jobId, signal, async (job) => {
      const aligned = this.loadAligned(params.feed, params.symbols, params.interval, params.from, params.to);
      job.progress(0, null, `training on ${aligned.times.length} bars of ${aligned.symbols.join(', ')}`);
      const onProgress = (p: TrainProgress) => {
        events.emit('model.progress', { jobId: job.id, ...p });
        const done = (p.epoch - 1) * p.steps + p.step;
        job.progress(
          done,
          p.epochs * p.steps,
          `epoch ${p.epoch}/${p.epochs}, loss ${p.trainLoss.toFixed(4)}`,
        );
      };
      const train = this.deps.train ?? trainInWorker;
      const { training } = await chooseBackends({ pinned: this.deps.backend });
      // A backtest's folds train one after another: their workers are kept for the next fold.
      const outcome = await train(
        { aligned, config, seed: params.seed },
        { signal: job.signal, onProgress, backend: training, keepWorker: params.backtestId !== undefined },
      );
      job.throwIfCancelled();
      const id = `model-${randomUUID().slice(0, 8)}`;
      return this.registry.save({
        id,
        name: params.name ?? `${aligned.symbols.map(baseAsset).join('+')} ${intervalName(aligned.interval)}`,
        createdAt: clock.now(),
        feed: params.feed,
        aligned,
        seed: params.seed,
        backend: outcome.backend,
        config,
        stats: outcome.stats,
        metrics: outcome.metrics,
        weights: outcome.weights,
        ...(params.backtestId === undefined ? {} : { backtestId: params.backtestId }),
      });
    });
  }

  /**
   * Predictions of model `id` for decision bars of already aligned candles (backtests). The candles
   * must cover each decision's window plus the indicators' warm-up.
   */
  async predictAligned(
    id: string,
    aligned: AlignedCandles,
    decisionBars: readonly number[],
  ): Promise<SamplePrediction[]> {
    await this.ensureBackend();
    const { model, saved, info } = this.registry.load(id);
    if (aligned.symbols.join(',') !== info.symbols.join(',')) {
      throw new CoreError(
        'INVALID_PARAMS',
        `Model ${id} trades ${info.symbols.join(', ')}, not ${aligned.symbols.join(', ')}.`,
      );
    }
    const source = createWindowSource(buildFeatureMatrix(aligned), featureSpecOf(info.config), saved.stats);
    return predictWindows(model, gatherWindows(source, decisionBars), saved.stats.targetStd);
  }

  async predict(params: HandlerParams<'model.predict'>): Promise<Prediction> {
    const info = this.registry.info(params.id);
    const spec = featureSpecOf(info.config);
    const limit = firstDecisionBar(spec) + 1 + EMA_SETTLE_BARS;
    const aligned = this.loadAligned(info.feed, info.symbols, info.interval, undefined, params.time, limit);
    const last = aligned.times.length - 1;
    if (params.time !== undefined && aligned.times[last] !== params.time) {
      throw new CoreError(
        'DATA_INCOMPLETE',
        `There is no closed bar of every symbol at ${new Date(params.time).toISOString()}.`,
        {
          time: params.time,
        },
      );
    }
    if (last < WARMUP_BARS + spec.lookback - 1) {
      throw new CoreError(
        'DATA_INCOMPLETE',
        `Model ${info.id} needs ${firstDecisionBar(spec) + 1} aligned bars of ${info.symbols.join(', ')}; the store has ${aligned.times.length}.`,
      );
    }
    const [prediction] = await this.predictAligned(info.id, aligned, [last]);
    return { modelId: info.id, time: aligned.times[last]!, symbols: info.symbols, ...prediction! };
  }

  delete(id: string): boolean {
    return this.registry.delete(id);
  }

  /** Predictions run on this thread, on the backend chosen for decisions. */
  private async ensureBackend(): Promise<void> {
    await chooseBackends({ pinned: this.deps.backend });
  }

  endKeptTrainingWorkers(): void {
    closeIdleTrainingWorkers();
  }

  close(): void {
    this.registry.close();
    closeIdleTrainingWorkers();
  }
}
