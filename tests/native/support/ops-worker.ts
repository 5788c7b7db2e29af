// A worker thread of two-threads-child.ts: loads tfjs-node, waits at a barrier shared with the other
// thread so that both send their first ops (each op attribute name new to the process) at the same
// moment, then runs many small ops with attributes (transpose flags, axes, dtypes) and a forward pass
// of the default model, checking each result against the first iteration's.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, tf } from '../../../src/main/core/model/backend';
import { lossGradients } from '../../../src/main/core/model/gradients';
import { computeLosses } from '../../../src/main/core/model/losses';
import { CrossAssetModel } from '../../../src/main/core/model/model';
import { ModelConfigSchema } from '../../../src/shared/contract/model';

const { iterations, seed, barrier } = workerData as {
  iterations: number;
  seed: number;
  barrier: SharedArrayBuffer;
};

/** Both threads arrive, then both go: the count reaches 2 and every waiter wakes. */
function meet(): void {
  const count = new Int32Array(barrier);
  if (Atomics.add(count, 0, 1) + 1 === 2) Atomics.notify(count, 0);
  else while (Atomics.load(count, 0) < 2) Atomics.wait(count, 0, Atomics.load(count, 0), 5_000);
}

async function main(): Promise<{ backend: string; iterations: number }> {
  const backend = await initBackend('tensorflow');
  meet();
  const config = ModelConfigSchema.parse({});
  const model = new CrossAssetModel(config, { symbols: ['A', 'B', 'C', 'D', 'E'], features: 8 }, seed);
  // Training steps of the default model, as two walk-forward folds run them at once.
  const x = tf.randomUniform([4, 5, config.lookback, 8], -1, 1, 'float32', seed) as tf.Tensor4D;
  const targets = {
    returns: tf.randomNormal([4, 5], 0, 1, 'float32', seed) as tf.Tensor2D,
    returnScale: tf.ones([5]) as tf.Tensor1D,
    direction: tf
      .oneHot(tf.tensor2d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1], [4, 5], 'int32'), 3)
      .toFloat() as tf.Tensor3D,
    continues: tf.ones([4]) as tf.Tensor1D,
  };
  for (let step = 0; step < 3; step++) {
    lossGradients(
      model,
      x,
      seed + step,
      (out) => computeLosses(out, targets, config.loss),
      (_variables, grads) => grads.forEach((g) => g?.dataSync()),
    );
  }
  tf.dispose(Object.values(targets));
  const a = tf.tensor2d(
    Array.from({ length: 12 }, (_, i) => (i * seed) % 7),
    [3, 4],
  );
  const b = tf.tensor2d(
    Array.from({ length: 12 }, (_, i) => (i + seed) % 5),
    [3, 4],
  );
  let expected: number[] | null = null;
  for (let i = 0; i < iterations; i++) {
    const values = tf.tidy(() => {
      const product = tf.matMul(a, b, true, false); // [4, 4]
      const joined = tf.concat([a, b], 1); // [3, 8]
      const counted = tf.cast(tf.greater(joined, 2), 'int32');
      const moved = tf.transpose(tf.reshape(joined, [3, 2, 4]), [2, 0, 1]);
      return tf
        .concat([
          tf.sum(product, 0),
          tf.cast(tf.sum(counted, 1), 'float32'),
          tf.mean(moved, [1, 2]),
          tf.max(tf.softmax(product), -1),
        ])
        .arraySync() as number[];
    });
    if (!expected) expected = values;
    else if (values.some((v, k) => v !== expected![k])) {
      throw new Error(`iteration ${i}: ${values.join(',')} differs from ${expected.join(',')}`);
    }
  }
  model.dispose();
  x.dispose();
  return { backend, iterations };
}

main().then(
  (result) => parentPort!.postMessage({ ok: true, ...result }),
  (err: unknown) =>
    parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
);
