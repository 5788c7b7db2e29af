import { beforeAll, describe, expect, it } from 'vitest';
import { constantCount } from '../../../src/main/core/model/constants';
import { alignCandles } from '../../../src/main/core/features/align';
import { gatherWindows } from '../../../src/main/core/features/windows';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../../src/main/core/market/simulator/synthetic';
import { initBackend, tf } from '../../../src/main/core/model/backend';
import { prepareDataset, type Dataset } from '../../../src/main/core/model/dataset';
import { predictOne, predictWindows } from '../../../src/main/core/model/infer';
import { CrossAssetModel } from '../../../src/main/core/model/model';
import { FlatAdam } from '../../../src/main/core/model/optimizer';
import { bytesToWeights, loadModel, saveModel, weightsToBytes } from '../../../src/main/core/model/saved';
import { epochBatches, makeBatch, trainModel, trainStep } from '../../../src/main/core/model/trainer';
import { seededRandom } from '../../../src/main/core/model/params';
import type { ModelConfig } from '../../../src/shared/contract/model';
import { CoreError } from '../../../src/shared/errors';
import { smallConfig } from './helpers';
import { TEST_BACKEND } from '../../support/model-backend';

let clock = 0;
const now = () => (clock += 5);

function dataset(config: ModelConfig, bars = 400, seed = 5): Dataset {
  const data = generateMarket(DEFAULT_MARKET_SPEC, {
    seed,
    interval: '60',
    startTime: Date.UTC(2026, 0, 1),
    bars,
  });
  const aligned = alignCandles(
    Object.entries(data).map(([symbol, candles]) => ({ symbol, candles })),
    '60',
  );
  return prepareDataset(aligned, config);
}

beforeAll(async () => {
  expect(await initBackend(TEST_BACKEND)).toBe(TEST_BACKEND);
});

describe(`training on ${TEST_BACKEND}`, () => {
  it('overfits a tiny dataset to near-zero loss (the model can learn)', () => {
    const config = smallConfig({ dropout: 0, dModel: 32, loss: { mse: 1, crossEntropy: 1, sharpe: 0 } });
    const data = dataset(config, 200);
    const model = new CrossAssetModel(config, { symbols: data.source.symbols, features: 8 }, 1);
    const optimizer = new FlatAdam(model.params.list(), { learningRate: 3e-3, clipNorm: 1 });
    const scale = tf.tensor1d(data.stats.targetStd);
    const batch = makeBatch(data, data.trainBars.slice(0, 16));
    const first = trainStep(model, optimizer, batch, scale, 1).total;
    let last = first;
    for (let step = 2; step <= 400 && last > 0.02; step++)
      last = trainStep(model, optimizer, batch, scale, step).total;
    expect(first).toBeGreaterThan(1);
    expect(last).toBeLessThan(0.02);
    tf.dispose([batch.x, batch.returns, batch.direction, batch.continues, scale]);
    model.dispose();
  });

  it('keeps the tensor count flat over 100 training steps and 1,000 predictions', () => {
    const config = smallConfig();
    const data = dataset(config, 300);
    const model = new CrossAssetModel(config, { symbols: data.source.symbols, features: 8 }, 2);
    const optimizer = new FlatAdam(model.params.list(), { learningRate: 1e-3, clipNorm: 1 });
    const scale = tf.tensor1d(data.stats.targetStd);
    const batches = epochBatches(data.trainBars, config, seededRandom(1));
    const step = (i: number) => {
      const batch = makeBatch(data, batches[i % batches.length]!);
      trainStep(model, optimizer, batch, scale, i);
      tf.dispose([batch.x, batch.returns, batch.direction, batch.continues]);
    };
    step(0);
    const before = tf.memory().numTensors;
    for (let i = 1; i <= 100; i++) step(i);
    expect(tf.memory().numTensors).toBe(before);
    const x = gatherWindows(data.source, [data.validationBars[0]!]);
    predictOne(model, x, data.stats.targetStd);
    const beforePredict = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) predictOne(model, x, data.stats.targetStd);
    expect(tf.memory().numTensors).toBe(beforePredict);
    scale.dispose();
    model.dispose();
  });

  it('is deterministic from the seed, and save → load reproduces predictions exactly', async () => {
    const config = smallConfig({ training: { epochs: 2, maxStepsPerEpoch: 6, batchSize: 16 } });
    const data = dataset(config, 400);
    const a = await trainModel(data, { config, seed: 7, now });
    const b = await trainModel(data, { config, seed: 7, now });
    const c = await trainModel(data, { config, seed: 8, now });
    const weightsA = a.model.params.exportWeights();
    expect(b.model.params.exportWeights()).toEqual(weightsA);
    expect(c.model.params.exportWeights()).not.toEqual(weightsA);

    const saved = saveModel(a.model, data.stats, 7);
    const restored = loadModel({ ...saved, weights: bytesToWeights(weightsToBytes(saved.weights)) });
    const x = gatherWindows(data.source, data.validationBars.slice(0, 20));
    expect(predictWindows(restored, x, data.stats.targetStd)).toEqual(
      predictWindows(a.model, x, data.stats.targetStd),
    );
    for (const m of [a.model, b.model, c.model, restored]) m.dispose();
    // Only the kept constants (constants.ts) remain.
    expect(tf.memory().numTensors).toBe(constantCount());
  });

  it('reports progress, stops early on a flat validation loss and can be cancelled', async () => {
    const config = smallConfig({
      training: { epochs: 50, maxStepsPerEpoch: 2, batchSize: 8, earlyStopPatience: 2, plateauPatience: 1 },
    });
    const data = dataset(config, 300);
    const reports: Array<{ epoch: number; validationLoss: number | null; learningRate: number }> = [];
    const { model, metrics } = await trainModel(data, {
      config,
      seed: 1,
      now,
      progressEveryMs: 0,
      onProgress: (p) => reports.push(p),
    });
    expect(metrics.epochs).toBeLessThan(50);
    expect(reports.some((r) => r.validationLoss !== null)).toBe(true);
    expect(Math.min(...reports.map((r) => r.learningRate))).toBeLessThan(config.training.learningRate);
    expect(metrics.meanAttention).toHaveLength(5);
    model.dispose();

    const controller = new AbortController();
    let steps = 0;
    const run = trainModel(data, {
      config,
      seed: 1,
      now,
      signal: controller.signal,
      progressEveryMs: 0,
      onProgress: () => {
        if (++steps === 3) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    await run.catch((e: unknown) => expect(e).toBeInstanceOf(CoreError));
    // Only the kept constants (constants.ts) remain.
    expect(tf.memory().numTensors).toBe(constantCount());
  });
});
