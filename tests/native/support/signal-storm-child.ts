// One process of signals.test.ts: native TensorFlow work while the test signals every thread of this
// process (SIGUSR2, which the main thread handles, as Node handles SIGINT or SIGWINCH). Prints
// `ready` when the storm may start and, at the end, one JSON line: what ran.
//   worker: a default-configuration training in a training worker (eager steps, tracing, graph steps,
//           validation), the app's path for every training;
//   main:   training steps on this, the main thread (as the CLI's decisions run), eager then graph.
import { createInterface } from 'node:readline';
import { alignCandles } from '../../../src/main/core/features/align';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../../src/main/core/market/simulator/synthetic';
import { initBackend, tf } from '../../../src/main/core/model/backend';
import { CrossAssetModel } from '../../../src/main/core/model/model';
import { FlatAdam } from '../../../src/main/core/model/optimizer';
import { seededRandom } from '../../../src/main/core/model/params';
import { epochBatches, graphStepsFor, makeBatch, trainStep } from '../../../src/main/core/model/trainer';
import { closeIdleTrainingWorkers, trainInWorker } from '../../../src/main/core/model/worker-client';
import { ModelConfigSchema } from '../../../src/shared/contract/model';
import { syntheticDataset } from '../../support/synthetic-dataset';

process.on('SIGUSR2', () => {});
const mode = process.argv[2];
const lines = createInterface({ input: process.stdin });
const closed = new Promise<void>((resolve) => lines.once('close', () => resolve()));
const config = ModelConfigSchema.parse({ training: { epochs: 2, maxStepsPerEpoch: 40 } });

if (mode === 'worker') {
  const market = generateMarket(DEFAULT_MARKET_SPEC, {
    seed: 3,
    interval: '60',
    startTime: Date.UTC(2021, 0, 1),
    bars: 900,
  });
  const aligned = alignCandles(
    Object.entries(market).map(([symbol, candles]) => ({ symbol, candles })),
    '60',
  );
  console.log('ready');
  const outcome = await trainInWorker({ aligned, config, seed: 1 }, { backend: 'tensorflow' });
  closeIdleTrainingWorkers();
  console.log(JSON.stringify({ backend: outcome.backend, samples: outcome.metrics.trainedSamples }));
} else {
  if ((await initBackend('tensorflow')) !== 'tensorflow') throw new Error('no native backend here');
  const data = syntheticDataset(config, { seed: 1, bars: 1200, startTime: Date.UTC(2023, 0, 1) });
  const batches = epochBatches(data.trainBars, config, seededRandom(1));
  const scale = tf.tensor1d(data.stats.targetStd);
  const model = new CrossAssetModel(config, { symbols: data.source.symbols, features: 8 }, 1);
  const adam = new FlatAdam(model.params.list(), { learningRate: 1e-3, clipNorm: 1 });
  const graphs = graphStepsFor(model)!;
  const step = (i: number) => {
    const batch = makeBatch(data, batches[i % batches.length]!);
    trainStep(model, adam, batch, scale, i, graphs);
    tf.dispose([batch.x, batch.returns, batch.direction, batch.continues]);
  };
  console.log('ready');
  // The test starts the storm, then says go: the eager steps (1, the trace, and 2, the check) and
  // the graph steps after them all run under it.
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  let steps = 0;
  for (let i = 0; i < 150; i++, steps++) step(i);
  const compiled = graphs.compiledFor(32);
  console.log(JSON.stringify({ backend: 'tensorflow', compiled, steps }));
}
await closed;
