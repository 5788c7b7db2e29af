// Training runs in a worker thread: the main event loop stays responsive, progress arrives, the result
// is the same as the in-process path's on the same backend, and cancellation stops it.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignCandles } from '../../../src/main/core/features/align';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../../src/main/core/market/simulator/synthetic';
import { initBackend } from '../../../src/main/core/model/backend';
import { runTraining, type TrainingInput } from '../../../src/main/core/model/training-job';
import {
  closeIdleTrainingWorkers,
  trainingWorkers,
  trainInWorker,
} from '../../../src/main/core/model/worker-client';
import { ModelConfigSchema } from '../../../src/shared/contract/model';
import type { ModelProgress } from '../../../src/shared/contract/model';
import { TEST_BACKEND } from '../../support/model-backend';

function input(epochs: number, bars = 1200): TrainingInput {
  const data = generateMarket(DEFAULT_MARKET_SPEC, {
    seed: 2,
    interval: '60',
    startTime: Date.UTC(2025, 0, 1),
    bars,
  });
  const aligned = alignCandles(
    DEFAULT_MARKET_SPEC.symbols.map((symbol) => ({ symbol, candles: data[symbol]! })),
    '60',
  );
  const config = ModelConfigSchema.parse({
    lookback: 24,
    patchLength: 4,
    dModel: 16,
    heads: 2,
    layers: 1,
    maxLag: 2,
    training: { epochs, batchSize: 16 },
  });
  return { aligned, config, seed: 5 };
}

beforeAll(async () => {
  expect(await initBackend(TEST_BACKEND)).toBe(TEST_BACKEND);
});

afterAll(() => closeIdleTrainingWorkers());

describe('training in a worker thread', () => {
  it('keeps the main event loop responsive and equals the in-process result', async () => {
    const job = input(3);
    const progress: Array<Omit<ModelProgress, 'jobId'>> = [];
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const outcome = await trainInWorker(job, { backend: TEST_BACKEND, onProgress: (p) => progress.push(p) });
    histogram.disable();
    // Not asked to keep it: the worker ended with its job.
    expect(trainingWorkers().idle).toBe(0);
    const p99Ms = histogram.percentile(99) / 1e6;
    expect(p99Ms, `event-loop delay p99 ${p99Ms.toFixed(1)} ms`).toBeLessThan(50);
    expect(outcome.backend).toBe(TEST_BACKEND);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.epoch).toBeGreaterThanOrEqual(1);
    expect(progress.some((p) => p.validationLoss !== null && p.samplesPerSecond > 0)).toBe(true);

    let tick = 0;
    const inProcess = await runTraining(job, { now: () => (tick += 1) });
    expect(Array.from(outcome.weights)).toEqual(Array.from(inProcess.weights));
    expect(outcome.metrics.directionAccuracy).toBe(inProcess.metrics.directionAccuracy);
    expect(outcome.stats).toEqual(inProcess.stats);
  });

  it('keeps a worker for the next job, which then starts no thread and trains as a fresh one would', async () => {
    closeIdleTrainingWorkers();
    const first = await trainInWorker(input(2), { backend: TEST_BACKEND, keepWorker: true });
    const after = trainingWorkers();
    expect(after.idle).toBe(1);
    // Another model of the same configuration: on native it takes over the first one's graphs.
    const job = { ...input(2), seed: 11 };
    const second = await trainInWorker(job, { backend: TEST_BACKEND, keepWorker: true });
    expect(trainingWorkers().spawned).toBe(after.spawned);
    expect(trainingWorkers().idle).toBe(1);
    let tick = 0;
    const inProcess = await runTraining(job, { now: () => (tick += 1) });
    expect(Array.from(second.weights)).toEqual(Array.from(inProcess.weights));
    expect(Array.from(second.weights)).not.toEqual(Array.from(first.weights));
    closeIdleTrainingWorkers();
    expect(trainingWorkers().idle).toBe(0);
  });

  it('ends a worker whose job was cancelled rather than keeping it', async () => {
    closeIdleTrainingWorkers();
    const controller = new AbortController();
    const run = trainInWorker(input(200), {
      backend: TEST_BACKEND,
      signal: controller.signal,
      onProgress: () => controller.abort(),
      keepWorker: true,
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(trainingWorkers().idle).toBe(0);
  });

  it('is cancelled through the AbortSignal', async () => {
    const controller = new AbortController();
    const run = trainInWorker(input(200), {
      backend: TEST_BACKEND,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
