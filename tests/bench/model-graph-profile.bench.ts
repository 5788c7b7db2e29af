// Where a graph training step's time goes on the native backend: the default configuration's step
// (or --config JSON) as the app runs it (a TensorFlow graph after two steps, graph/train-step.ts),
// split into the session's run, Adam's update and the rest of the step (batch, masks, copies), and the
// session's kernel time per op type and for the costliest nodes (TensorFlow's step stats). Tracing
// adds its own cost to every op: compare kernel times within one run, not with model-train's figures.
// Prints figures, asserts nothing; the load average goes with them.
// Run: npx tsx tests/bench/model-graph-profile.bench.ts [--steps N] [--batch N] [--top N] [--config JSON]
import { loadavg } from 'node:os';
import { initBackend, tf } from '../../src/main/core/model/backend';
import { graphsBuilt } from '../../src/main/core/model/graph/compiled-calls';
import { GraphProgram, traceRuns } from '../../src/main/core/model/graph/program';
import type { NodeTime } from '../../src/main/core/model/graph/step-stats';
import { CrossAssetModel } from '../../src/main/core/model/model';
import { FlatAdam } from '../../src/main/core/model/optimizer';
import { seededRandom } from '../../src/main/core/model/params';
import { epochBatches, graphStepsFor, makeBatch, trainStep } from '../../src/main/core/model/trainer';
import { ModelConfigSchema } from '../../src/shared/contract/model';
import { syntheticDataset } from '../support/synthetic-dataset';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const steps = Number(flag('--steps') ?? 100);
const batch = Number(flag('--batch') ?? 32);
const top = Number(flag('--top') ?? 15);

if ((await initBackend('tensorflow')) !== 'tensorflow' || !graphsBuilt()) {
  process.stderr.write(
    'model-graph-profile: SKIPPED: it needs the native backend and its graph addon (npm run setup:native)\n',
  );
  process.exit(0);
}
const config = ModelConfigSchema.parse({
  ...(JSON.parse(flag('--config') ?? '{}') as object),
  training: { batchSize: batch },
});
const data = syntheticDataset(config, { seed: 1, bars: 3000, startTime: Date.UTC(2023, 0, 1) });
const batches = epochBatches(data.trainBars, config, seededRandom(1));
const scale = tf.tensor1d(data.stats.targetStd);
const model = new CrossAssetModel(config, { symbols: data.source.symbols, features: 8 }, 1);
const adam = new FlatAdam(model.params.list(), { learningRate: 1e-3, clipNorm: 1 });
const graphs = graphStepsFor(model);

/** Wall time spent inside `method` of `target`, summed. */
function timed<T extends object>(target: T, method: keyof T): { ms: number } {
  const total = { ms: 0 };
  const original = target[method] as (...a: unknown[]) => unknown;
  target[method] = function (this: unknown, ...a: unknown[]) {
    const start = performance.now();
    try {
      return original.apply(this, a);
    } finally {
      total.ms += performance.now() - start;
    }
  } as T[keyof T];
  return total;
}

const step = (i: number) => {
  const b = makeBatch(data, batches[i % batches.length]!);
  trainStep(model, adam, b, scale, i, graphs);
  tf.dispose([b.x, b.returns, b.direction, b.continues]);
};
// Steps 1 and 2 trace and check the graph; a few more settle the allocator.
for (let i = 0; i < 5; i++) step(i);

// Untraced first: the step's parts as the app runs them.
const session = timed(GraphProgram.prototype, 'run');
const update = timed(FlatAdam.prototype, 'applyFlat');
let start = performance.now();
for (let i = 5; i < 5 + steps; i++) step(i);
const stepMs = (performance.now() - start) / steps;
const sessionMs = session.ms / steps;
const adamMs = update.ms / steps;

// Then traced: kernel time per node.
const perNode = new Map<string, NodeTime & { runs: number }>();
let runs = 0;
traceRuns((times) => {
  runs++;
  for (const t of times) {
    const seen = perNode.get(t.node);
    if (seen) {
      seen.nanos += t.nanos;
      seen.runs++;
    } else perNode.set(t.node, { ...t, runs: 1 });
  }
});
start = performance.now();
for (let i = 5 + steps; i < 5 + 2 * steps; i++) step(i);
const tracedMs = (performance.now() - start) / steps;
traceRuns(null);

const ms = (nanos: number) => nanos / runs / 1e6;
const perOp = new Map<string, { nodes: number; nanos: number }>();
for (const node of perNode.values()) {
  const op = perOp.get(node.op) ?? { nodes: 0, nanos: 0 };
  op.nodes += node.runs / runs;
  op.nanos += node.nanos;
  perOp.set(node.op, op);
}
const kernelNanos = [...perOp.values()].reduce((sum, op) => sum + op.nanos, 0);
const out = (line: string) => process.stdout.write(`${line}\n`);
out(
  `model-graph-profile: batch ${batch}, ${steps} steps each way, ${perNode.size} nodes in the step's graph; ` +
    `load ${loadavg()[0]!.toFixed(2)}`,
);
out(
  `step ${stepMs.toFixed(2)} ms: session run ${sessionMs.toFixed(2)} ms, Adam ${adamMs.toFixed(2)} ms, ` +
    `the rest (batch, masks, copies) ${(stepMs - sessionMs - adamMs).toFixed(2)} ms`,
);
out(`traced: step ${tracedMs.toFixed(2)} ms, kernels ${ms(kernelNanos).toFixed(2)} ms a run`);
out('\nkernel time per op type (ms a run, share of the kernels, nodes):');
for (const [op, t] of [...perOp].sort((a, b) => b[1].nanos - a[1].nanos).slice(0, top)) {
  out(
    `  ${op.padEnd(28)} ${ms(t.nanos).toFixed(3).padStart(7)}  ${((100 * t.nanos) / kernelNanos).toFixed(1).padStart(5)}%  ${t.nodes.toFixed(0).padStart(4)}`,
  );
}
out(`\ncostliest nodes (µs a run):`);
for (const node of [...perNode.values()].sort((a, b) => b.nanos - a.nanos).slice(0, top)) {
  out(`  ${(node.nanos / runs / 1e3).toFixed(0).padStart(5)}  ${node.op} ${node.node}`);
}
graphs?.dispose();
model.dispose();
