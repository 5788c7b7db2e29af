// Worker-thread entry of the data-parallel replica (see data-parallel.ts): computes the gradient of the
// second half of every batch on its own copy of the model and dataset. It blocks on shared counters
// between steps (its thread has nothing else to do) and ends on STOP or when terminated.
import { workerData } from 'node:worker_threads';
import { initBackend, tf } from './backend';
import {
  exchangeFor,
  halfGradients,
  lossesOffset,
  PeerStopped,
  SLOT,
  STATUS_OK,
  STATUS_REPLICA_FAILED,
  STOP,
  viewsOf,
  type ReplicaData,
  type ReplicaMessage,
} from './data-parallel';
import type { Dataset } from './dataset';
import { CrossAssetModel } from './model';
import { makeBatch } from './trainer';

const { shared, source, stats, config, seed, backend, port } = workerData as ReplicaData;
const post = (message: ReplicaMessage) => port.postMessage(message);
const views = viewsOf(shared);
const { control, numbers } = views;

let model: CrossAssetModel | null = null;
let scale: tf.Tensor1D | null = null;
try {
  await initBackend(backend);
  model = new CrossAssetModel(config, { symbols: source.symbols, features: config.features.length }, seed);
  scale = tf.tensor1d(stats.targetStd);
  const data: Dataset = { source, stats, trainBars: [], validationBars: [] };
  const buffer = new Float32Array(
    config.training.batchSize * source.symbols.length * config.lookback * config.features.length,
  );
  post({ type: 'ready' });
  let seen = 0;
  for (;;) {
    Atomics.wait(control, SLOT.command, seen);
    const seq = Atomics.load(control, SLOT.command);
    if (seq === STOP || Atomics.load(control, SLOT.status) !== STATUS_OK) break;
    if (seq === seen) continue;
    seen = seq;
    // A private copy: the cpu backend keeps the array it is given, and the trainer rewrites this buffer.
    model.params.importWeights(new Float32Array(views.params));
    const bars = Array.from(views.bars.subarray(0, control[SLOT.count]!));
    const batch = makeBatch(data, bars, buffer);
    try {
      const losses = halfGradients(
        model,
        batch,
        scale,
        numbers[0]!,
        {
          side: 1,
          batchSize: control[SLOT.total]!,
          boundaryContinues: control[SLOT.boundary]!,
          exchange: exchangeFor(views, 1, seq),
        },
        views.grads,
      );
      const at = lossesOffset(views.assets);
      numbers[at] = losses.mse;
      numbers[at + 1] = losses.crossEntropy;
      numbers[at + 2] = losses.sharpe;
    } finally {
      tf.dispose([batch.x, batch.returns, batch.direction, batch.continues]);
    }
    Atomics.store(control, SLOT.replicaDone, seq);
    Atomics.notify(control, SLOT.replicaDone);
  }
} catch (err) {
  // The trainer stopping mid-step is not a failure of this thread.
  if (!(err instanceof PeerStopped)) {
    Atomics.compareExchange(control, SLOT.status, STATUS_OK, STATUS_REPLICA_FAILED);
    for (const slot of [SLOT.trainerStats, SLOT.replicaStats, SLOT.replicaDone])
      Atomics.notify(control, slot);
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
} finally {
  model?.dispose();
  scale?.dispose();
  port.close();
}
