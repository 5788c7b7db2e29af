// Throughput of the default model configuration (5 assets × 168 hourly bars × the feature set, d_model
// 64, 4 heads, 2 layers, batch 32): training samples/s and single-sample inference latency on wasm and
// cpu, and one epoch over three years of hourly data on wasm. Training is measured with one worker
// thread and with two (training.workers 2: this thread plus a replica), alternated in the same run.
// Prints figures, asserts nothing.
// The machine may be shared: the load average and a plain-matMul GFLOP/s probe are printed alongside so
// that figures can be read as ratios.
// Run: npx tsx tests/bench/model-train.bench.ts [wasm|cpu|all] [--steps N] [--no-epoch]
import { loadavg } from 'node:os';
import { alignCandles } from '../../src/main/core/features/align';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { initBackend, tf } from '../../src/main/core/model/backend';
import { prepareDataset, type Dataset } from '../../src/main/core/model/dataset';
import { predictOne } from '../../src/main/core/model/infer';
import { CrossAssetModel } from '../../src/main/core/model/model';
import { FlatAdam } from '../../src/main/core/model/optimizer';
import { seededRandom } from '../../src/main/core/model/params';
import { Replica } from '../../src/main/core/model/data-parallel';
import {
  epochBatches,
  makeBatch,
  parallelStep,
  trainModel,
  trainStep,
} from '../../src/main/core/model/trainer';
import { gatherWindows } from '../../src/main/core/features/windows';
import { ModelConfigSchema, type ModelConfig } from '../../src/shared/contract/model';
import type { BackendName } from '../../src/shared/domain';

const args = process.argv.slice(2);
const which = args.find((a) => !a.startsWith('--')) ?? 'all';
const stepsFlag = args.indexOf('--steps');
const overrides = args.indexOf('--config');
const config: ModelConfig = ModelConfigSchema.parse(overrides >= 0 ? JSON.parse(args[overrides + 1]!) : {});
const HOUR = 3_600_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function dataset(bars: number): { data: Dataset; prepMs: number } {
  const start = performance.now();
  const market = generateMarket(DEFAULT_MARKET_SPEC, {
    seed: 1,
    interval: '60',
    startTime: Date.UTC(2023, 0, 1),
    bars,
  });
  const aligned = alignCandles(
    DEFAULT_MARKET_SPEC.symbols.map((symbol) => ({ symbol, candles: market[symbol]! })),
    '60',
  );
  const data = prepareDataset(aligned, config);
  return { data, prepMs: performance.now() - start };
}

function gflops(): number {
  return tf.tidy(() => {
    const a = tf.randomNormal([512, 512]);
    const b = tf.randomNormal([512, 512]);
    tf.matMul(a, b).dataSync();
    const start = performance.now();
    const n = 10;
    for (let i = 0; i < n; i++) tf.matMul(a, b).dataSync();
    return (2 * 512 ** 3 * n) / ((performance.now() - start) / 1000) / 1e9;
  });
}

async function bench(backend: BackendName, steps: number, epoch: boolean): Promise<void> {
  const got = await initBackend(backend);
  if (got !== backend) {
    console.log(`${backend}: not available (got ${got})`);
    return;
  }
  const { data } = dataset(3000);
  const model = new CrossAssetModel(
    config,
    { symbols: data.source.symbols, features: config.features.length },
    1,
  );
  const optimizer = new FlatAdam(model.params.list(), { learningRate: 1e-3, clipNorm: 1 });
  const scale = tf.tensor1d(data.stats.targetStd);
  const batches = epochBatches(data.trainBars, config, seededRandom(1));
  const oneWorker = (i: number) => {
    const batch = makeBatch(data, batches[i % batches.length]!);
    trainStep(model, optimizer, batch, scale, i);
    tf.dispose([batch.x, batch.returns, batch.direction, batch.continues]);
  };
  // The two-worker trainer (training.workers 2): this thread is the trainer, plus one replica thread.
  // Its own model and optimizer, so that each path's state evolves as in a real run.
  const model2 = new CrossAssetModel(
    config,
    { symbols: data.source.symbols, features: config.features.length },
    1,
  );
  const optimizer2 = new FlatAdam(model2.params.list(), { learningRate: 1e-3, clipNorm: 1 });
  const replica = await Replica.start(data, config, 1, backend, model2.params.exportWeights());
  const gradient = new Float32Array(model2.params.parameterCount());
  const twoWorkers = (i: number) =>
    parallelStep(model2, optimizer2, data, batches[i % batches.length]!, scale, i, replica, gradient);
  const runs = { 1: oneWorker, 2: twoWorkers } as const;
  for (let i = 0; i < 2; i++) {
    oneWorker(i);
    twoWorkers(i);
  }
  // Alternated in blocks of 5 steps so that both see the same machine load.
  const stepMs: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let done = 0; done < steps; done += 5) {
    for (const workers of [1, 2] as const) {
      for (let i = done; i < Math.min(steps, done + 5); i++) {
        const start = performance.now();
        runs[workers](i + 2);
        stepMs[workers].push(performance.now() - start);
      }
    }
  }
  await replica.close();
  model2.dispose();
  const trainLines = ([1, 2] as const).map((workers) => {
    const ms = stepMs[workers];
    const totalMs = ms.reduce((a, b) => a + b, 0);
    const samplesPerSecond = (ms.length * config.training.batchSize * 1000) / totalMs;
    ms.sort((a, b) => a - b);
    return {
      samplesPerSecond,
      line:
        `  train, ${workers} worker${workers === 1 ? '' : 's'}: ${samplesPerSecond.toFixed(0)} samples/s ` +
        `(batch ${config.training.batchSize}, step p50 ${percentile(ms, 50).toFixed(1)} ms over ${ms.length} steps)`,
    };
  });

  const x = gatherWindows(data.source, [data.validationBars[0]!]);
  for (let i = 0; i < 5; i++) predictOne(model, x, data.stats.targetStd);
  const inferMs: number[] = [];
  const inferences = backend === 'cpu' ? 50 : 500;
  for (let i = 0; i < inferences; i++) {
    const start = performance.now();
    predictOne(model, x, data.stats.targetStd);
    inferMs.push(performance.now() - start);
  }
  inferMs.sort((a, b) => a - b);
  console.log(
    `${backend}: ${model.params.parameterCount()} parameters, patch ${config.patchLength} (${model.tokens} tokens/asset), ` +
      `probe ${gflops().toFixed(1)} GFLOP/s, load ${loadavg()[0]!.toFixed(2)}`,
  );
  for (const { line } of trainLines) console.log(line);
  console.log(
    `  two workers / one: ${(trainLines[1]!.samplesPerSecond / trainLines[0]!.samplesPerSecond).toFixed(2)}x`,
  );
  console.log(
    `  inference, 1 sample: p50 ${percentile(inferMs, 50).toFixed(2)} ms, p99 ${percentile(inferMs, 99).toFixed(2)} ms`,
  );
  scale.dispose();
  model.dispose();

  if (epoch) {
    const bars = 3 * 365 * 24;
    const { data: big, prepMs } = dataset(bars);
    const epochConfig = ModelConfigSchema.parse({ ...config, training: { ...config.training, epochs: 1 } });
    const start = performance.now();
    const result = await trainModel(big, { config: epochConfig, seed: 1, now: () => performance.now() });
    const ms = performance.now() - start;
    result.model.dispose();
    console.log(
      `  one epoch, 3 years hourly (${bars} bars, ${big.trainBars.length} train + ${big.validationBars.length} validation samples): ` +
        `${(ms / 1000).toFixed(1)} s (+ ${(prepMs / 1000).toFixed(1)} s features and windows), ` +
        `${result.metrics.samplesPerSecond.toFixed(0)} samples/s while training ` +
        `(training.workers ${epochConfig.training.workers})`,
    );
  }
  void HOUR;
}

const steps = stepsFlag >= 0 ? Number(args[stepsFlag + 1]) : 30;
const epoch = !args.includes('--no-epoch');
if (which === 'wasm' || which === 'all') await bench('wasm', steps, epoch);
if (which === 'cpu' || which === 'all') await bench('cpu', Math.min(steps, 3), false);
