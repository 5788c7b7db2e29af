// Data-parallel training on two real worker threads (config training.workers: 2): the two halves'
// gradients add up to the whole batch's (MSE, cross-entropy, the batch-wide Sharpe ratio and the turnover
// pair across the halves), runs are deterministic, and no replica thread outlives its run.
import { existsSync, readdirSync } from 'node:fs';
import { constantCount } from '../../../src/main/core/model/constants';
import { beforeAll, describe, expect, it } from 'vitest';
import { alignCandles } from '../../../src/main/core/features/align';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../../src/main/core/market/simulator/synthetic';
import { currentBackend, initBackend, tf } from '../../../src/main/core/model/backend';
import { activeReplicas, Replica } from '../../../src/main/core/model/data-parallel';
import { prepareDataset, type Dataset } from '../../../src/main/core/model/dataset';
import { computeLosses } from '../../../src/main/core/model/losses';
import { CrossAssetModel, type BatchParts } from '../../../src/main/core/model/model';
import { FlatAdam } from '../../../src/main/core/model/optimizer';
import {
  makeBatch,
  parallelGradients,
  parallelStep,
  splitsBatches,
  trainModel,
} from '../../../src/main/core/model/trainer';
import type { TrainingInput } from '../../../src/main/core/model/training-job';
import { trainInWorker } from '../../../src/main/core/model/worker-client';
import {
  ModelConfigSchema,
  type ModelConfig,
  type ModelConfigInput,
} from '../../../src/shared/contract/model';
import { smallConfig } from '../../unit/model/helpers';
import { TEST_BACKEND } from '../../support/model-backend';

let clock = 0;
const now = () => (clock += 5);

function alignedCandles(bars: number, seed = 5) {
  const data = generateMarket(DEFAULT_MARKET_SPEC, {
    seed,
    interval: '60',
    startTime: Date.UTC(2026, 0, 1),
    bars,
  });
  return alignCandles(
    Object.entries(data).map(([symbol, candles]) => ({ symbol, candles })),
    '60',
  );
}

function dataset(config: ModelConfig, bars = 400, seed = 5): Dataset {
  return prepareDataset(alignedCandles(bars, seed), config);
}

/** Lets exiting threads finish (a terminated worker's OS thread is joined shortly after its exit). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** The single-thread gradient of the whole batch, flat in parameter order, and its losses. */
function wholeBatchGradient(
  model: CrossAssetModel,
  data: Dataset,
  bars: number[],
  scale: tf.Tensor1D,
  dropoutSeed: number | BatchParts = 1,
) {
  const batch = makeBatch(data, bars);
  const variables = model.params.list();
  const flat = new Float32Array(model.params.parameterCount());
  const values = tf.tidy(() => {
    let parts: tf.Tensor[] = [];
    const { grads } = tf.variableGrads(() => {
      const losses = computeLosses(
        model.forward(batch.x, true, dropoutSeed),
        { ...batch, returnScale: scale },
        model.config.loss,
      );
      parts = [losses.total, losses.mse, losses.crossEntropy, losses.sharpe].map((t) => tf.keep(t));
      return losses.total;
    }, variables);
    let offset = 0;
    for (const v of variables) {
      if (grads[v.name]) flat.set(grads[v.name]!.dataSync() as Float32Array, offset);
      offset += v.size;
    }
    const stacked = tf.stack(parts);
    tf.dispose(parts);
    return Array.from(stacked.dataSync());
  });
  tf.dispose([batch.x, batch.returns, batch.direction, batch.continues]);
  return { flat, values };
}

beforeAll(async () => {
  expect(await initBackend(TEST_BACKEND)).toBe(TEST_BACKEND);
});

/** max |a - b| / max |a|. */
function relativeDifference(a: Float32Array, b: Float32Array): number {
  let maxAbs = 0;
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a[i]!));
    maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
  }
  return maxDiff / maxAbs;
}

describe('data-parallel training on two worker threads', () => {
  it("one thread with the halves' dropout seeds computes the two-worker gradient, dropout on", async () => {
    // What training.workers 2 does on tensorflow (one thread, splitsBatches false): the same run.
    const config = smallConfig();
    const data = dataset(config, 300);
    const model = new CrossAssetModel(config, { symbols: data.source.symbols, features: 8 }, 3);
    const scale = tf.tensor1d(data.stats.targetStd);
    const bars = data.trainBars.slice(20, 36);
    const replica = await Replica.start(data, config, 3, currentBackend(), model.params.exportWeights());
    try {
      const summed = new Float32Array(model.params.parameterCount());
      parallelGradients(model, data, bars, scale, 5, replica, summed);
      const halves = [
        { seed: 10, samples: 8 },
        { seed: 11, samples: 8 },
      ];
      const oneThread = wholeBatchGradient(model, data, bars, scale, halves).flat;
      expect(relativeDifference(summed, oneThread)).toBeLessThan(1e-4);
      // The masks matter: one seed for the whole batch gives another gradient.
      expect(
        relativeDifference(summed, wholeBatchGradient(model, data, bars, scale, 10).flat),
      ).toBeGreaterThan(1e-2);
    } finally {
      await replica.close();
      scale.dispose();
      model.dispose();
    }
  });

  const exactCases: Array<[string, ModelConfigInput]> = [
    ['long-only, default loss', {}],
    // A large turnover cost and Sharpe weight make the boundary pair's term visible in the gradient.
    [
      'long-short, heavy Sharpe and turnover',
      { portfolio: 'long-short', loss: { sharpe: 1, turnoverCost: 0.05 } },
    ],
  ];
  it.each(exactCases)(
    'the two halves sum to the whole batch gradient without dropout (%s)',
    async (_name, overrides) => {
      const config = smallConfig({ dropout: 0, ...overrides });
      const data = dataset(config, 300);
      const model = new CrossAssetModel(config, { symbols: data.source.symbols, features: 8 }, 3);
      const scale = tf.tensor1d(data.stats.targetStd);
      // 15 consecutive bars (an odd size: halves of 8 and 7) with a gap in each half, and the boundary
      // pair (bars 7 and 8) consecutive so that turnover is charged across the halves.
      const start = data.trainBars[10]!;
      const bars = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16].map((i) => start + i);
      const single = wholeBatchGradient(model, data, bars, scale);
      const replica = await Replica.start(data, config, 3, currentBackend(), model.params.exportWeights());
      try {
        const summed = new Float32Array(single.flat.length);
        const losses = parallelGradients(model, data, bars, scale, 1, replica, summed);
        expect(losses.total).toBeCloseTo(single.values[0]!, 5);
        expect(losses.mse).toBeCloseTo(single.values[1]!, 5);
        expect(losses.crossEntropy).toBeCloseTo(single.values[2]!, 5);
        expect(losses.sharpe).toBeCloseTo(single.values[3]!, 5);
        let maxAbs = 0;
        let maxDiff = 0;
        for (let i = 0; i < summed.length; i++) {
          maxAbs = Math.max(maxAbs, Math.abs(single.flat[i]!));
          maxDiff = Math.max(maxDiff, Math.abs(summed[i]! - single.flat[i]!));
        }
        expect(maxAbs).toBeGreaterThan(1e-3);
        expect(maxDiff / maxAbs, `max |difference| ${maxDiff} of max |gradient| ${maxAbs}`).toBeLessThan(
          1e-4,
        );
        // The portfolio head's gradient comes from the Sharpe term alone: check it on its own.
        const names = model.params.list().map((v) => v.name);
        let offset = 0;
        for (const [k, v] of model.params.list().entries()) {
          if (names[k]!.endsWith('head/portfolio')) {
            const a = single.flat.subarray(offset, offset + v.size);
            const b = summed.subarray(offset, offset + v.size);
            const scaleOf = Math.max(...Array.from(a, Math.abs));
            expect(scaleOf).toBeGreaterThan(0);
            for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4 * scaleOf);
          }
          offset += v.size;
        }
      } finally {
        await replica.close();
        scale.dispose();
        model.dispose();
      }
      expect(activeReplicas()).toBe(0);
    },
  );

  it('keeps the tensor count flat over two-worker steps', async () => {
    const config = smallConfig();
    const data = dataset(config, 300);
    const model = new CrossAssetModel(config, { symbols: data.source.symbols, features: 8 }, 2);
    const optimizer = new FlatAdam(model.params.list(), { learningRate: 1e-3, clipNorm: 1 });
    const scale = tf.tensor1d(data.stats.targetStd);
    const replica = await Replica.start(data, config, 2, currentBackend(), model.params.exportWeights());
    const gradient = new Float32Array(model.params.parameterCount());
    const step = (i: number) =>
      parallelStep(model, optimizer, data, data.trainBars.slice(i, i + 16), scale, i, replica, gradient);
    try {
      step(0);
      const before = tf.memory().numTensors;
      for (let i = 1; i <= 30; i++) step(i);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await replica.close();
      scale.dispose();
      model.dispose();
    }
  });

  it('is deterministic from the seed with dropout on', async () => {
    const config = smallConfig({ training: { epochs: 2, maxStepsPerEpoch: 5, batchSize: 16, workers: 2 } });
    const data = dataset(config, 400);
    const a = await trainModel(data, { config, seed: 7, now });
    const b = await trainModel(data, { config, seed: 7, now });
    const weights = a.model.params.exportWeights();
    expect(b.model.params.exportWeights()).toEqual(weights);
    a.model.dispose();
    b.model.dispose();
    expect(activeReplicas()).toBe(0);
    // Only the kept constants (constants.ts) remain.
    expect(tf.memory().numTensors).toBe(constantCount());
  });

  it('terminates the replica when in-process training is cancelled', async () => {
    const config = smallConfig({ training: { epochs: 50, maxStepsPerEpoch: 4, batchSize: 8, workers: 2 } });
    const data = dataset(config, 300);
    const controller = new AbortController();
    let reports = 0;
    let replicasWhileTraining = 0;
    const run = trainModel(data, {
      config,
      seed: 1,
      now,
      signal: controller.signal,
      progressEveryMs: 0,
      onProgress: () => {
        replicasWhileTraining = Math.max(replicasWhileTraining, activeReplicas());
        if (++reports === 3) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    // On tensorflow, training.workers 2 trains on one thread (its kernels use both cores): no replica.
    expect(replicasWhileTraining).toBe(splitsBatches(TEST_BACKEND) ? 1 : 0);
    expect(activeReplicas()).toBe(0);
    // Only the kept constants (constants.ts) remain.
    expect(tf.memory().numTensors).toBe(constantCount());
  });

  it.runIf(existsSync('/proc/self/task'))(
    'leaves no thread behind when training in the worker is cancelled',
    async () => {
      // The replica is the training worker's child: count this process's OS threads instead.
      const threads = () => readdirSync('/proc/self/task').length;
      const input = (epochs: number): TrainingInput => ({
        aligned: alignedCandles(600),
        config: ModelConfigSchema.parse({
          ...smallConfig(),
          training: { epochs, batchSize: 16, maxStepsPerEpoch: 4, workers: 2 },
        }),
        seed: 5,
      });
      // A first run warms up whatever threads the runtime keeps (libuv's pool, the compiler's).
      await trainInWorker(input(1), { backend: TEST_BACKEND });
      await settle();
      const baseline = threads();
      const controller = new AbortController();
      let peak = 0;
      const run = trainInWorker(input(200), {
        backend: TEST_BACKEND,
        signal: controller.signal,
        onProgress: () => {
          peak = Math.max(peak, threads());
          controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
      await settle();
      // Two worker threads (trainer and replica; the trainer alone on tensorflow) existed while
      // training; none is left after.
      expect(peak).toBeGreaterThanOrEqual(baseline + (splitsBatches(TEST_BACKEND) ? 2 : 1));
      expect(threads()).toBeLessThanOrEqual(baseline);
    },
  );
});
