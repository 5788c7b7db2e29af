// Where a training step's time goes on wasm: one step of the default configuration (or --config JSON)
// under tf.profile, kernels aggregated by name and input shapes, split into the forward pass (the loss
// included) and the rest (backward pass, Adam's variable writes), printed by total ms. The wall time of
// the step beside the kernel sum shows the JS outside kernels (tape bookkeeping, Adam's loop, reads).
// kernelTimeMs on wasm is the wall time of the synchronous kernel call, so figures are per-kernel cost
// including its dispatch; profiling adds its own per-kernel overhead, so compare within one run.
// Run: npx tsx tests/bench/model-profile.bench.ts [--top N] [--steps N] [--config JSON]
import { loadavg } from 'node:os';
import { initBackend, tf } from '../../src/main/core/model/backend';
import { syntheticDataset } from '../support/synthetic-dataset';
import { computeLosses } from '../../src/main/core/model/losses';
import { CrossAssetModel } from '../../src/main/core/model/model';
import { FlatAdam } from '../../src/main/core/model/optimizer';
import { seededRandom } from '../../src/main/core/model/params';
import { epochBatches, makeBatch, trainStep } from '../../src/main/core/model/trainer';
import { ModelConfigSchema, type ModelConfig } from '../../src/shared/contract/model';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const top = Number(flag('--top') ?? 25);
const steps = Number(flag('--steps') ?? 3);
const config: ModelConfig = ModelConfigSchema.parse(JSON.parse(flag('--config') ?? '{}'));

interface Row {
  key: string;
  calls: number;
  ms: number;
}

type KernelInfo = Awaited<ReturnType<typeof tf.profile>>['kernels'][number];

// Custom-gradient ops and op wrappers ("forward", "fusedMatMul__op", "unnamed scope") are listed too,
// with times that include their inner kernels: only registered kernels are counted.
const isKernel = (k: KernelInfo) => tf.getKernel(k.name, 'wasm') !== undefined;

function aggregate(kernels: KernelInfo[]): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const k of kernels) {
    const shapes = k.inputShapes.map((s) => `[${(s ?? []).join(',')}]`).join(' ');
    const key = `${k.name} ${shapes}`;
    const row = rows.get(key) ?? { key, calls: 0, ms: 0 };
    row.calls++;
    row.ms += k.kernelTimeMs as number;
    rows.set(key, row);
  }
  return rows;
}

function byName(kernels: KernelInfo[]): Row[] {
  const rows = new Map<string, Row>();
  for (const k of kernels) {
    const row = rows.get(k.name) ?? { key: k.name, calls: 0, ms: 0 };
    row.calls++;
    row.ms += k.kernelTimeMs as number;
    rows.set(k.name, row);
  }
  return [...rows.values()].sort((a, b) => b.ms - a.ms);
}

function gflops(): number {
  return tf.tidy(() => {
    const a = tf.randomNormal([512, 512]);
    const b = tf.randomNormal([512, 512]);
    tf.matMul(a, b).dataSync();
    const start = performance.now();
    for (let i = 0; i < 10; i++) tf.matMul(a, b).dataSync();
    return (2 * 512 ** 3 * 10) / ((performance.now() - start) / 1000) / 1e9;
  });
}

const sum = (rows: Iterable<Row>) => [...rows].reduce((s, r) => s + r.ms, 0);
const print = (title: string, rows: Row[], total: number) => {
  console.log(`\n${title}`);
  console.log('    ms/step  share  calls/step  kernel [input shapes]');
  for (const r of rows.slice(0, top)) {
    console.log(
      `  ${(r.ms / steps).toFixed(2).padStart(9)}  ${((100 * r.ms) / total).toFixed(1).padStart(4)}%  ` +
        `${(r.calls / steps).toFixed(0).padStart(10)}  ${r.key}`,
    );
  }
};

if ((await initBackend('wasm')) !== 'wasm') throw new Error('wasm backend not available');
const data = syntheticDataset(config, { seed: 1, bars: 3000, startTime: Date.UTC(2023, 0, 1) });
const model = new CrossAssetModel(
  config,
  { symbols: data.source.symbols, features: config.features.length },
  1,
);
const optimizer = new FlatAdam(model.params.list(), { learningRate: 1e-3, clipNorm: 1 });
const scale = tf.tensor1d(data.stats.targetStd);
const batches = epochBatches(data.trainBars, config, seededRandom(1));
const batchAt = (i: number) => makeBatch(data, batches[i % batches.length]!);
const disposeBatch = (b: ReturnType<typeof makeBatch>) =>
  tf.dispose([b.x, b.returns, b.direction, b.continues]);

for (let i = 0; i < 3; i++) {
  const batch = batchAt(i);
  trainStep(model, optimizer, batch, scale, i);
  disposeBatch(batch);
}

// Adam's share of the step (its JS loop, gradient reads and variable writes), timed by wrapping it.
let adamMs = 0;
const apply = optimizer.apply.bind(optimizer);
optimizer.apply = (gradients) => {
  const start = performance.now();
  const norm = apply(gradients);
  adamMs += performance.now() - start;
  return norm;
};

// Unprofiled wall time per step first (profiling slows each kernel call a little).
const wall: number[] = [];
for (let i = 0; i < steps; i++) {
  const batch = batchAt(10 + i);
  const start = performance.now();
  trainStep(model, optimizer, batch, scale, 10 + i);
  wall.push(performance.now() - start);
  disposeBatch(batch);
}
const adamPerStep = adamMs / steps;

// The step's forward pass ends where model.forward returns plus the loss's kernels (counted from an
// untaped run: taped kernels also run Identity kernels to save tensors, so counts differ from it).
const engineState = (tf.engine() as unknown as { state: { activeProfile: { kernels: unknown[] } } }).state;
const forward = model.forward.bind(model);
let forwardEnd = -1;
model.forward = (...args: Parameters<typeof forward>) => {
  const out = forward(...args);
  forwardEnd = engineState.activeProfile.kernels.length;
  return out;
};
const forwardKernels: KernelInfo[] = [];
const backwardKernels: KernelInfo[] = [];
for (let i = 0; i < steps; i++) {
  const batch = batchAt(20 + i);
  let lossKernels = 0;
  await tf.profile(() =>
    tf.tidy(() => {
      const out = model.forward(batch.x, true, 20 + i);
      const before = engineState.activeProfile.kernels.length;
      computeLosses(out, { ...batch, returnScale: scale }, model.config.loss);
      lossKernels = engineState.activeProfile.kernels.length - before;
    }),
  );
  const step = await tf.profile(() => {
    trainStep(model, optimizer, batch, scale, 20 + i);
  });
  const boundary = forwardEnd + lossKernels;
  forwardKernels.push(...step.kernels.slice(0, boundary).filter(isKernel));
  backwardKernels.push(...step.kernels.slice(boundary).filter(isKernel));
  disposeBatch(batch);
}
const stepKernels = [...forwardKernels, ...backwardKernels];

const forwardRows = [...aggregate(forwardKernels).values()].sort((a, b) => b.ms - a.ms);
const backwardRows = [...aggregate(backwardKernels).values()].sort((a, b) => b.ms - a.ms);
const stepRows = [...aggregate(stepKernels).values()].sort((a, b) => b.ms - a.ms);
const stepTotal = sum(stepRows);
wall.sort((a, b) => a - b);

console.log(
  `wasm: patch ${config.patchLength} (${model.tokens} tokens/asset), batch ${config.training.batchSize}, ` +
    `probe ${gflops().toFixed(1)} GFLOP/s, load ${loadavg()[0]!.toFixed(2)}`,
);
console.log(
  `step wall (unprofiled) median ${wall[Math.floor(steps / 2)]!.toFixed(1)} ms; under the profiler: ` +
    `${(stepTotal / steps).toFixed(1)} ms in ${(stepKernels.length / steps).toFixed(0)} kernels ` +
    `(forward ${(sum(forwardRows) / steps).toFixed(1)} ms in ${(forwardKernels.length / steps).toFixed(0)}, ` +
    `backward + Adam ${(sum(backwardRows) / steps).toFixed(1)} ms in ${(backwardKernels.length / steps).toFixed(0)})`,
);
console.log(
  `unprofiled: Adam.apply ${adamPerStep.toFixed(1)} ms/step (includes waiting for the gradients it reads)`,
);
print('by kernel name (whole step)', byName(stepKernels), stepTotal);
print('top kernels, forward pass', forwardRows, stepTotal);
print('top kernels, backward pass + Adam', backwardRows, stepTotal);

scale.dispose();
optimizer.dispose();
model.dispose();
