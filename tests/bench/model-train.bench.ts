// Throughput of the default model configuration (5 assets × 168 hourly bars × 8 features, patch 24,
// d_model 64, 4 heads, 2 layers) on every TensorFlow.js backend available: training samples/s with one
// worker thread and with two (training.workers 2: this thread plus a replica), at batch 32 and 256,
// one-sample inference latency (a decision), and a plain-matMul GFLOP/s probe. Prints figures, asserts
// nothing. The machine may be shared: the load average goes with every line, and `--torch PYTHON` runs
// the PyTorch mirror of the same model (tests/bench/torch_mirror.py) in the same run, so that the
// figures can be read as ratios.
//   npm run -s bench -- model-train --json     one JSON object per line:
//     {"backend","workers","batch","trainSamplesPerSecond","inferP50Ms","inferP99Ms","probeGflops","load",
//      "graphs"}
// On tensorflow every figure comes twice: with the jobs as TensorFlow graphs (graphs true, the app's
// path where setup:native built the graph addon) and op by op (graphs false). Two workers is the
// data-parallel step (a replica thread), which runs op by op whatever `graphs` says.
//   npx tsx tests/bench/model-train.bench.ts [--json] [--backends tensorflow,wasm] [--batches 32,256]
//     [--steps N] [--torch PYTHON]
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { gatherWindows } from '../../src/main/core/features/windows';
import { initBackend, tf } from '../../src/main/core/model/backend';
import { Replica } from '../../src/main/core/model/data-parallel';
import { predictOne } from '../../src/main/core/model/infer';
import { CrossAssetModel } from '../../src/main/core/model/model';
import { FlatAdam } from '../../src/main/core/model/optimizer';
import { seededRandom } from '../../src/main/core/model/params';
import { graphsBuilt, useGraphs } from '../../src/main/core/model/graph/compiled-calls';
import {
  epochBatches,
  graphStepsFor,
  makeBatch,
  parallelStep,
  trainStep,
} from '../../src/main/core/model/trainer';
import { ModelConfigSchema } from '../../src/shared/contract/model';
import type { BackendName } from '../../src/shared/domain';
import { syntheticDataset } from '../support/synthetic-dataset';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const json = args.includes('--json');
const backends = (flag('--backends') ?? 'tensorflow,wasm').split(',') as BackendName[];
const batchSizes = (flag('--batches') ?? '32,256').split(',').map(Number);
const stepsFlag = flag('--steps');
const torch = flag('--torch');

interface Line {
  backend: string;
  workers: number;
  batch: number;
  trainSamplesPerSecond: number;
  inferP50Ms: number;
  inferP99Ms: number;
  probeGflops: number | null;
  load: number;
  graphs: boolean;
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));
const load = () => round(loadavg()[0]!);

function print(line: Line): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return;
  }
  process.stdout.write(
    `${line.backend.padEnd(10)} workers ${line.workers}  batch ${String(line.batch).padStart(3)}  ` +
      `train ${line.trainSamplesPerSecond.toFixed(0).padStart(5)} samples/s  ` +
      `decision p50 ${line.inferP50Ms.toFixed(2)} ms, p99 ${line.inferP99Ms.toFixed(2)} ms  ` +
      `probe ${line.probeGflops?.toFixed(0) ?? '—'} GFLOP/s  load ${line.load}` +
      `${line.graphs ? '  (graphs)' : ''}\n`,
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
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

function dataset(batch: number) {
  const config = ModelConfigSchema.parse({ training: { batchSize: batch } });
  const bars = Math.max(3000, 8 * batch + 600);
  return { config, data: syntheticDataset(config, { seed: 1, bars, startTime: Date.UTC(2023, 0, 1) }) };
}

/** One-sample inference (a decision) of the default model: p50 and p99 over many runs. */
function decisions(backend: BackendName): { p50: number; p99: number } {
  const { config, data } = dataset(32);
  const model = new CrossAssetModel(config, { symbols: data.source.symbols, features: 8 }, 1);
  const x = gatherWindows(data.source, [data.validationBars[0]!]);
  // Ten warm-up calls: a graph is traced on the third and checked on the fourth.
  for (let i = 0; i < 10; i++) predictOne(model, x, data.stats.targetStd);
  const ms: number[] = [];
  for (let i = 0; i < (backend === 'cpu' ? 50 : 400); i++) {
    const start = performance.now();
    predictOne(model, x, data.stats.targetStd);
    ms.push(performance.now() - start);
  }
  model.dispose();
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

/** Training samples/s with one and two workers, alternated in blocks so that both see the same load. */
async function training(backend: BackendName, batch: number): Promise<Record<1 | 2, number>> {
  const { config, data } = dataset(batch);
  const steps = stepsFlag ? Number(stepsFlag) : batch >= 128 ? 6 : 24;
  const batches = epochBatches(data.trainBars, config, seededRandom(1));
  const scale = tf.tensor1d(data.stats.targetStd);
  const shape = { symbols: data.source.symbols, features: 8 };
  const one = new CrossAssetModel(config, shape, 1);
  const oneAdam = new FlatAdam(one.params.list(), { learningRate: 1e-3, clipNorm: 1 });
  // With graphs on, the one-worker step is the app's: a graph after its first two steps.
  const graphs = graphStepsFor(one);
  const two = new CrossAssetModel(config, shape, 1);
  const twoAdam = new FlatAdam(two.params.list(), { learningRate: 1e-3, clipNorm: 1 });
  const replica = await Replica.start(data, config, 1, backend, two.params.exportWeights());
  const gradient = new Float32Array(two.params.parameterCount());
  const run: Record<1 | 2, (i: number) => void> = {
    1: (i) => {
      const b = makeBatch(data, batches[i % batches.length]!);
      trainStep(one, oneAdam, b, scale, i, graphs);
      tf.dispose([b.x, b.returns, b.direction, b.continues]);
    },
    2: (i) => parallelStep(two, twoAdam, data, batches[i % batches.length]!, scale, i, replica, gradient),
  };
  for (let i = 0; i < 2; i++) {
    run[1](i);
    run[2](i);
  }
  const elapsed = { 1: 0, 2: 0 };
  const block = Math.max(1, Math.min(5, Math.floor(steps / 2)));
  for (let done = 0; done < steps; done += block) {
    for (const workers of [1, 2] as const) {
      const start = performance.now();
      for (let i = done; i < Math.min(steps, done + block); i++) run[workers](i + 2);
      elapsed[workers] += performance.now() - start;
    }
  }
  await replica.close();
  graphs?.dispose();
  tf.dispose(scale);
  one.dispose();
  two.dispose();
  return { 1: (steps * batch * 1000) / elapsed[1], 2: (steps * batch * 1000) / elapsed[2] };
}

for (const backend of backends) {
  if ((await initBackend(backend)) !== backend) {
    process.stderr.write(`model-train: backend ${backend} is not available here (skipped)\n`);
    continue;
  }
  const probeGflops = round(gflops(), 1);
  for (const graphs of backend === 'tensorflow' && graphsBuilt() ? [true, false] : [false]) {
    useGraphs(graphs);
    const decision = decisions(backend);
    for (const batch of batchSizes) {
      const sps = await training(backend, batch);
      for (const workers of [1, 2] as const) {
        print({
          backend,
          workers,
          batch,
          trainSamplesPerSecond: round(sps[workers], 1),
          inferP50Ms: round(decision.p50, 3),
          inferP99Ms: round(decision.p99, 3),
          probeGflops,
          load: load(),
          graphs,
        });
      }
    }
  }
  useGraphs(true);
}

if (torch) {
  // The PyTorch mirror of the same model, threads 1 and 2, each batch size: the reference in this run.
  const mirror = fileURLToPath(new URL('./torch_mirror.py', import.meta.url));
  for (const batch of batchSizes) {
    const result = spawnSync(torch, [mirror, '1', '2'], {
      encoding: 'utf8',
      env: { ...process.env, BATCH: String(batch) },
    });
    if (result.status !== 0) {
      process.stderr.write(
        `model-train: the PyTorch mirror failed: ${result.stderr.trim().split('\n').pop()}\n`,
      );
      break;
    }
    for (const row of result.stdout.trim().split('\n')) {
      const r = JSON.parse(row) as {
        torch: string;
        threads: number;
        train_samples_per_s: number;
        infer_p50_ms: number;
        infer_p99_ms: number;
      };
      print({
        backend: `torch ${r.torch}`,
        workers: r.threads,
        batch,
        trainSamplesPerSecond: r.train_samples_per_s,
        inferP50Ms: r.infer_p50_ms,
        inferP99Ms: r.infer_p99_ms,
        probeGflops: null,
        load: load(),
        graphs: false,
      });
    }
  }
}
