// Graphs on the native backend (src/main/core/model/graph/): the addon builds and runs TensorFlow
// graphs; a traced call becomes a graph only after it agreed with the eager call on other inputs, and
// stays eager when something that changes between calls would have been frozen into it or a value is
// read back mid-call; the training step and the predictions as graphs give the eager results. Runs
// in the model-native project (vitest.config.ts); `npm run setup:native` builds the addon.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gatherWindows } from '../../src/main/core/features/windows';
import { initBackend, tf } from '../../src/main/core/model/backend';
import type { Dataset } from '../../src/main/core/model/dataset';
import { constantCount } from '../../src/main/core/model/constants';
import { stepTensors } from '../../src/main/core/model/gradients';
import { graphAddon, TF_FLOAT, type GraphAddon } from '../../src/main/core/model/graph/addon';
import {
  clearSharedPrograms,
  CompiledCalls,
  compiledCallsOf,
  GRAPH_CHECKS,
  useGraphs,
} from '../../src/main/core/model/graph/compiled-calls';
import { GraphProgram } from '../../src/main/core/model/graph/program';
import { inputArgs } from '../../src/main/core/model/graph/op-def';
import { FULL_TRACE_OPTIONS, nodeTimes } from '../../src/main/core/model/graph/step-stats';
import { GraphSteps } from '../../src/main/core/model/graph/train-step';
import { predictWindows } from '../../src/main/core/model/infer';
import { computeLosses } from '../../src/main/core/model/losses';
import { CrossAssetModel } from '../../src/main/core/model/model';
import { makeBatch, trainModel } from '../../src/main/core/model/trainer';
import { ModelConfigSchema, type ModelConfig } from '../../src/shared/contract/model';
import { syntheticDataset } from '../support/synthetic-dataset';

let addon: GraphAddon;

/** Tensors alive beyond the kept constants (which the first call of a shape creates). */
const liveTensors = () => tf.memory().numTensors - constantCount();

beforeAll(async () => {
  expect(await initBackend('tensorflow')).toBe('tensorflow');
  const loaded = graphAddon();
  if (!loaded) throw new Error('the graph addon is not built here: run `npm run setup:native`');
  addon = loaded;
});

afterAll(() => useGraphs(true));

/** max |a − b| over max |b|: the parity measure of backend-parity.test.ts. */
function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}

describe('the graph addon', () => {
  it('reads list arguments from op definitions', () => {
    expect(inputArgs(addon.opDef('ConcatV2'))).toEqual([
      { name: 'values', numberAttr: 'N', typeListAttr: '' },
      { name: 'axis', numberAttr: '', typeListAttr: '' },
    ]);
    expect(inputArgs(addon.opDef('IdentityN'))[0]).toEqual({
      name: 'input',
      numberAttr: '',
      typeListAttr: 'T',
    });
    expect(() => addon.opDef('NoSuchOp')).toThrow(/NoSuchOp/);
  });

  it('runs a graph with list inputs, and refuses what TensorFlow refuses', () => {
    const p = addon.createProgram();
    const x = addon.addOperation(p, 'Placeholder', 'x', [], [{ name: 'dtype', type: 4, value: TF_FLOAT }]);
    const axis = addon.addOperation(
      p,
      'Const',
      'axis',
      [],
      [
        { name: 'dtype', type: 4, value: 3 },
        { name: 'value', type: 6, value: { dtype: 3, shape: [], data: new Int32Array([0]) } },
      ],
    );
    const joined = addon.addOperation(
      p,
      'ConcatV2',
      'joined',
      [
        [
          [x, 0],
          [x, 0],
        ],
        [axis, 0],
      ],
      [],
    );
    expect(() => addon.addOperation(p, 'MatMul', 'bad', [[x, 0]], [])).toThrow(/MatMul bad/);
    addon.startSession(p, null);
    const [out] = addon.run(
      p,
      [{ op: x, index: 0, dtype: TF_FLOAT, shape: [2], data: new Float32Array([1, 2]) }],
      [[joined, 0]],
    );
    expect(out!.shape).toEqual([4]);
    expect(Array.from(new Float32Array(out!.data))).toEqual([1, 2, 1, 2]);
    // Traced (the profiling benchmark's path): the same result, and the node that ran with its kernel.
    const feed = { op: x, index: 0, dtype: TF_FLOAT, shape: [2], data: new Float32Array([3, 4]) };
    const traced = addon.run(p, [feed], [[joined, 0]], FULL_TRACE_OPTIONS);
    expect(Array.from(new Float32Array(traced[0]!.data))).toEqual([3, 4, 3, 4]);
    const concat = nodeTimes(traced.metadata!).find((t) => t.node === 'joined');
    expect(concat?.op).toBe('ConcatV2');
    expect(concat!.nanos).toBeGreaterThanOrEqual(0);
    expect(addon.run(p, [feed], [[joined, 0]]).metadata).toBeUndefined();
    expect(() => addon.run(p, [], [[joined, 0]])).toThrow(/x/);
    addon.closeProgram(p);
    expect(() => addon.run(p, [], [[joined, 0]])).toThrow(/closed/);
  });
});

describe('compiled calls', () => {
  const square = (x: tf.Tensor) => () => [tf.tidy(() => tf.add(tf.mul(x, x), tf.sum(x)))];
  const expected = (v: number[]) => v.map((e) => e * e + v.reduce((s, u) => s + u, 0));

  it('trace the first call, check the second, then run the graph, with the eager results', () => {
    const calls = new CompiledCalls();
    for (let i = 0; i < 5; i++) {
      const v = [i, -2 * i, 3];
      const x = tf.tensor1d(v);
      const [out] = calls.call('k', [x], square(x));
      x.dispose();
      expect(Array.from(out!.data)).toEqual(expected(v));
      // Compiled from the end of the second call on.
      expect(calls.compiled('k')).toBe(i >= 1);
    }
    expect(calls.reason).toBeNull();
    calls.dispose();
  });

  it('stay eager when a value that changes between calls was not declared a feed', () => {
    const calls = new CompiledCalls();
    for (let i = 0; i < 4; i++) {
      const x = tf.tensor1d([1, 2, 3]);
      // The offset is uploaded inside the call: traced, it would be a constant of the graph.
      const [out] = calls.call('k', [x], () => [tf.tidy(() => tf.add(x, tf.scalar(i * 10)))]);
      x.dispose();
      expect(Array.from(out!.data)).toEqual([1, 2, 3].map((v) => v + i * 10));
    }
    expect(calls.compiled('k')).toBe(false);
    expect(calls.reason).toMatch(new RegExp(`disagreed with the eager call ${GRAPH_CHECKS} times`));
    calls.dispose();
  });

  it('check a graph that disagreed again on the next calls, up to GRAPH_CHECKS', () => {
    const calls = new CompiledCalls();
    const compiledAfter: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const x = tf.tensor1d([1, 2, 3]);
      // As a rounding miss does: the first check disagrees (the traced offset was 0), the next agrees.
      const offset = i === 1 ? 10 : 0;
      const [out] = calls.call('k', [x], () => [tf.tidy(() => tf.add(x, tf.scalar(offset)))]);
      x.dispose();
      expect(Array.from(out!.data)).toEqual([1, 2, 3].map((v) => v + offset));
      compiledAfter.push(calls.compiled('k'));
    }
    // Traced, disagreed, agreed, graph.
    expect(compiledAfter).toEqual([false, false, true, true]);
    calls.dispose();
  });

  it('stay eager when the call reads a value back in the middle', () => {
    const calls = new CompiledCalls();
    for (let i = 0; i < 3; i++) {
      const x = tf.tensor1d([i, 1]);
      const [out] = calls.call('k', [x], () => [
        tf.tidy(() => {
          const s = tf.sum(x).dataSync()[0]!;
          return tf.mul(x, s > 1 ? 2 : 3);
        }),
      ]);
      x.dispose();
      expect(Array.from(out!.data)).toEqual([i, 1].map((v) => v * (i + 1 > 1 ? 2 : 3)));
    }
    expect(calls.compiled('k')).toBe(false);
    expect(calls.reason).toMatch(/read back/);
    calls.dispose();
  });

  it('wait for `eagerCalls` calls of a key before tracing it', () => {
    const calls = new CompiledCalls();
    const compiledAfter: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const x = tf.tensor1d([i, 1]);
      calls.call('k', [x], square(x), { eagerCalls: 2 });
      x.dispose();
      compiledAfter.push(calls.compiled('k'));
    }
    // Eager, eager, traced, checked.
    expect(compiledAfter).toEqual([false, false, false, true]);
    calls.dispose();
  });

  it('share checked programs within a family, each taker checking them against its own calls', () => {
    clearSharedPrograms();
    const builds = vi.spyOn(GraphProgram, 'build');
    // `offset` stands for a constant of the owner that is not fed (the family promises it is the same).
    const owner = (offset: number) => {
      const calls = new CompiledCalls('family');
      const compiledAfter: boolean[] = [];
      for (let i = 0; i < 4; i++) {
        const v = [i, -i, 2];
        const x = tf.tensor1d(v);
        const [out] = calls.call('k', [x], () => [tf.tidy(() => tf.add(tf.mul(x, x), tf.scalar(offset)))]);
        x.dispose();
        expect(Array.from(out!.data)).toEqual(v.map((e) => e * e + offset));
        compiledAfter.push(calls.compiled('k'));
      }
      return { calls, compiledAfter };
    };
    const first = owner(0);
    expect(builds).toHaveBeenCalledTimes(1);
    first.calls.dispose();
    // Taken over: no build, the same sequence (eager in place of the trace, then the check).
    const second = owner(0);
    expect(builds).toHaveBeenCalledTimes(1);
    expect(second.compiledAfter).toEqual(first.compiledAfter);
    expect(second.compiledAfter).toEqual([false, true, true, true]);
    second.calls.dispose();
    // A taker whose own constant differs fails its checks, stays eager, and puts the program out of
    // the table: the next owner of the family builds its own.
    const third = owner(5);
    expect(third.compiledAfter).toEqual([false, false, false, false]);
    expect(third.calls.reason).toMatch(new RegExp(`disagreed with the eager call ${GRAPH_CHECKS} times`));
    third.calls.dispose();
    const fourth = owner(5);
    expect(builds).toHaveBeenCalledTimes(2);
    expect(fourth.compiledAfter).toEqual([false, true, true, true]);
    fourth.calls.dispose();
    builds.mockRestore();
    clearSharedPrograms();
  });

  it('stay eager with graphs off', () => {
    useGraphs(false);
    const calls = new CompiledCalls();
    for (let i = 0; i < 3; i++) {
      const x = tf.tensor1d([i]);
      calls.call('k', [x], square(x));
      x.dispose();
    }
    expect(calls.compiled('k')).toBe(false);
    useGraphs(true);
  });
});

function dataset(config: ModelConfig): Dataset {
  return syntheticDataset(config, { seed: 5, bars: 900, startTime: Date.UTC(2024, 0, 1) });
}

describe('the model as graphs', () => {
  // The default shape with a shorter lookback, dropout on, Sharpe and turnover in the loss.
  const config = ModelConfigSchema.parse({
    lookback: 48,
    dropout: 0.2,
    loss: { sharpe: 0.5, turnoverCost: 0.001 },
    training: { batchSize: 16, chunkLength: 8, workers: 1 },
  });
  const data = dataset(config);
  const shape = { symbols: data.source.symbols, features: config.features.length };

  it('a graph step gives the eager losses and gradient, with new dropout masks every step', () => {
    const model = new CrossAssetModel(config, shape, 3);
    const steps = new GraphSteps(model, (out, batch) => computeLosses(out, batch, config.loss));
    const scale = tf.tensor1d(data.stats.targetStd);
    const before = liveTensors();
    let compared = 0;
    for (let step = 0; step < 6; step++) {
      const batch = makeBatch(data, data.trainBars.slice(step * 16, step * 16 + 16));
      const fromGraph = new Float32Array(model.params.parameterCount());
      const losses = steps.gradients({ ...batch, returnScale: scale }, 100 + step, fromGraph);
      // The eager step with the same weights, batch and dropout seed.
      const eager = stepTensors(model, batch.x, 100 + step, (out) =>
        computeLosses(out, { ...batch, returnScale: scale }, config.loss),
      );
      const flat = new Float32Array(fromGraph.length);
      let offset = 0;
      model.params.list().forEach((v, i) => {
        if (eager.grads[i]) flat.set(eager.grads[i]!.dataSync() as Float32Array, offset);
        offset += v.size;
      });
      const eagerLosses = Array.from(eager.losses.dataSync());
      tf.dispose([eager.losses, ...eager.grads.filter((g): g is tf.Tensor => g !== undefined)]);
      tf.dispose(Object.values(batch));
      if (steps.compiledFor(16)) compared++;
      expect(
        relative([losses.total, losses.mse, losses.crossEntropy, losses.sharpe], eagerLosses),
      ).toBeLessThan(1e-4);
      expect(relative(fromGraph, flat)).toBeLessThan(1e-4);
      // Move the weights, so that every step runs on other parameters.
      model.params.importWeights(model.params.exportWeights().map((w, i) => w - 0.01 * Math.sign(flat[i]!)));
    }
    expect(steps.reason).toBeNull();
    expect(compared).toBeGreaterThanOrEqual(4);
    steps.dispose();
    expect(liveTensors()).toBe(before);
    scale.dispose();
    model.dispose();
  });

  it('predictions as a graph equal the eager ones, call after call', () => {
    const model = new CrossAssetModel(config, shape, 4);
    const bars = data.validationBars.slice(0, 12);
    const x = gatherWindows(data.source, bars);
    useGraphs(false);
    const eager = predictWindows(model, x, data.stats.targetStd, 4);
    useGraphs(true);
    const before = liveTensors();
    // Calls 1–2 eager, 3 traced, 4 checked, 5 on: graphs. Three calls of 4 samples each per round.
    for (let round = 0; round < 3; round++) {
      const graph = predictWindows(model, x, data.stats.targetStd, 4);
      graph.forEach((p, s) => {
        expect(relative(p.weights, eager[s]!.weights)).toBeLessThan(1e-4);
        expect(relative(p.returns, eager[s]!.returns)).toBeLessThan(1e-4);
        expect(relative(p.direction.flat(), eager[s]!.direction.flat())).toBeLessThan(1e-4);
        expect(relative(p.attention.flat(3), eager[s]!.attention.flat(3))).toBeLessThan(1e-4);
        expect(relative(p.lagWeights, eager[s]!.lagWeights)).toBeLessThan(1e-4);
      });
    }
    // The later rounds were served by the graph, not by eager calls compared with eager calls.
    expect(compiledCallsOf(model).compiled('predict:4')).toBe(true);
    expect(liveTensors()).toBe(before);
    model.dispose();
  });

  it('a training with graph steps is deterministic from its seed', async () => {
    const short = ModelConfigSchema.parse({
      ...config,
      training: { ...config.training, epochs: 2, maxStepsPerEpoch: 8 },
    });
    const run = async () => {
      const { model, metrics } = await trainModel(data, { config: short, seed: 9, now: () => 0 });
      const weights = model.params.exportWeights();
      model.dispose();
      return { weights, validationLoss: metrics.validationLoss };
    };
    clearSharedPrograms();
    const sessionRuns = vi.spyOn(GraphProgram.prototype, 'run');
    const builds = vi.spyOn(GraphProgram, 'build');
    const a = await run();
    // Each run's steps after the second, and its later validation passes, ran as graphs.
    expect(sessionRuns.mock.calls.length).toBeGreaterThanOrEqual(12);
    const built = builds.mock.calls.length;
    expect(built).toBeGreaterThanOrEqual(2);
    // The second model has the first's signature: it takes over its programs (as a walk-forward's next
    // fold does in its worker), builds none, and still trains to the same bits.
    const runsBefore = sessionRuns.mock.calls.length;
    const b = await run();
    expect(builds.mock.calls.length).toBe(built);
    expect(sessionRuns.mock.calls.length - runsBefore).toBeGreaterThanOrEqual(12);
    // And a run that builds its own again, too.
    clearSharedPrograms();
    const c = await run();
    expect(builds.mock.calls.length).toBe(2 * built);
    sessionRuns.mockRestore();
    builds.mockRestore();
    expect(b.validationLoss).toBe(a.validationLoss);
    expect(relative(b.weights, a.weights)).toBe(0);
    expect(relative(c.weights, a.weights)).toBe(0);
  });
});
