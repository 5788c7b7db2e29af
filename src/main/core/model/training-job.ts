// One training run from aligned candles to a saved model: the same function runs inside the worker
// thread (production) and in-process (tests, benchmarks). Everything it takes and returns is plain
// structured-clonable data.
import type { BackendName } from '../../../shared/domain';
import type { ModelConfig, ModelMetrics } from '../../../shared/contract/model';
import type { AlignedCandles } from '../features/align';
import type { NormStats } from '../features/windows';
import { currentBackend } from './backend';
import { prepareDataset } from './dataset';
import { trainModel, type TrainProgress } from './trainer';

export interface TrainingInput {
  aligned: AlignedCandles;
  config: ModelConfig;
  seed: number;
}

export interface TrainingOutcome {
  weights: Float32Array;
  stats: NormStats;
  metrics: ModelMetrics;
  backend: BackendName;
}

export interface TrainingHooks {
  now: () => number;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
}

/** Call after initBackend(). */
export async function runTraining(input: TrainingInput, hooks: TrainingHooks): Promise<TrainingOutcome> {
  const dataset = prepareDataset(input.aligned, input.config);
  const { model, metrics } = await trainModel(dataset, {
    config: input.config,
    seed: input.seed,
    now: hooks.now,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
  });
  try {
    return {
      weights: model.params.exportWeights(),
      stats: dataset.stats,
      metrics,
      backend: currentBackend(),
    };
  } finally {
    model.dispose();
  }
}
