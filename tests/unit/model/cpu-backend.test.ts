// The same model code runs on the pure-JS cpu backend (the last rung of the ladder).
import { beforeAll, expect, it } from 'vitest';
import { constantCount } from '../../../src/main/core/model/constants';
import { currentBackend, initBackend, tf } from '../../../src/main/core/model/backend';
import { CrossAssetModel } from '../../../src/main/core/model/model';
import { FlatAdam } from '../../../src/main/core/model/optimizer';
import { trainStep } from '../../../src/main/core/model/trainer';
import { randomInput, smallConfig, SYMBOLS } from './helpers';

beforeAll(async () => {
  expect(await initBackend('cpu')).toBe('cpu');
});

it('trains and predicts on the cpu backend', () => {
  expect(currentBackend()).toBe('cpu');
  const config = smallConfig({ layers: 1 });
  const model = new CrossAssetModel(config, { symbols: SYMBOLS, features: 8 }, 1);
  const optimizer = new FlatAdam(model.params.list(), { learningRate: 1e-3, clipNorm: 1 });
  const x = randomInput(8, config, 3);
  const returns = tf.randomNormal([8, 5], 0, 0.01, 'float32', 1) as tf.Tensor2D;
  const direction = tf.tidy(() =>
    tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: 40 }, (_, i) => i % 3),
          'int32',
        ),
        3,
      )
      .reshape([8, 5, 3])
      .toFloat(),
  ) as tf.Tensor3D;
  const continues = tf.ones([8]) as tf.Tensor1D;
  const scale = tf.fill([5], 0.01) as tf.Tensor1D;
  // The same batch with the same dropout seed: only the optimizer's updates can change the loss, so
  // a step that does nothing (or a broken gradient) fails here.
  const before = model.params.list().map((p) => p.dataSync().slice());
  const losses: number[] = [];
  for (let step = 0; step < 15; step++)
    losses.push(trainStep(model, optimizer, { x, returns, direction, continues }, scale, 1).total);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  const moved = model.params.list().some((p, i) => p.dataSync().some((v, j) => v !== before[i]![j]));
  expect(moved).toBe(true);
  tf.tidy(() => {
    const out = model.forward(x, false);
    for (const row of out.weights.arraySync()) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });
  tf.dispose([x, returns, direction, continues, scale]);
  model.dispose();
  // Only the kept constants (constants.ts) remain.
  expect(tf.memory().numTensors).toBe(constantCount());
});
