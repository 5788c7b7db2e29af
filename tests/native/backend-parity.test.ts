// The two backends compute the same model: for the same weights and the same batch, the native binding
// (tensorflow) and wasm give the same forward outputs (every head, the attention maps, the lag weights)
// and the same gradient of every parameter, to 1e-4 relative (the largest difference within a tensor
// against that tensor's largest magnitude: float32 sums in another order differ by rounding, near-zero
// elements make an element-wise ratio meaningless). A model trained on one backend predicts the same on
// the other: saved weights are backend-free. Runs in the model-native project (vitest.config.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { gatherWindows } from '../../src/main/core/features/windows';
import { initBackend, tf } from '../../src/main/core/model/backend';
import type { Dataset } from '../../src/main/core/model/dataset';
import { predictWindows } from '../../src/main/core/model/infer';
import { computeLosses } from '../../src/main/core/model/losses';
import { CrossAssetModel } from '../../src/main/core/model/model';
import { loadModel, saveModel } from '../../src/main/core/model/saved';
import { makeBatch, trainModel } from '../../src/main/core/model/trainer';
import { ModelConfigSchema, type ModelConfig, type ModelConfigInput } from '../../src/shared/contract/model';
import type { BackendName } from '../../src/shared/domain';
import { syntheticDataset } from '../support/synthetic-dataset';

const TOLERANCE = 1e-4;

function dataset(config: ModelConfig, bars: number): Dataset {
  return syntheticDataset(config, { seed: 11, bars, startTime: Date.UTC(2025, 0, 1) });
}

interface Computed {
  outputs: Record<string, Float32Array>;
  gradients: Record<string, Float32Array>;
}

/** Forward outputs (inference) and the training gradient (with the same dropout masks) on `backend`. */
async function compute(backend: BackendName, config: ModelConfig, data: Dataset, weights: Float32Array) {
  expect(await initBackend(backend)).toBe(backend);
  const model = new CrossAssetModel(config, { symbols: data.source.symbols, features: 8 }, 1);
  model.params.importWeights(weights);
  const batch = makeBatch(data, data.trainBars.slice(40, 56));
  const scale = tf.tensor1d(data.stats.targetStd);
  const result: Computed = { outputs: {}, gradients: {} };
  tf.tidy(() => {
    const out = model.forward(batch.x, false);
    result.outputs.returns = out.returns.dataSync() as Float32Array;
    result.outputs.direction = out.directionLogits.dataSync() as Float32Array;
    result.outputs.weights = out.weights.dataSync() as Float32Array;
    out.attention.forEach((map, l) => (result.outputs[`attention${l}`] = map.dataSync() as Float32Array));
    if (out.lagWeights) result.outputs.lagWeights = out.lagWeights.dataSync() as Float32Array;
    const variables = model.params.list();
    const { grads } = tf.variableGrads(
      () =>
        computeLosses(model.forward(batch.x, true, 7), { ...batch, returnScale: scale }, config.loss).total,
      variables,
    );
    for (const v of variables)
      result.gradients[v.name.replace(/^crossdesk\d+\//, '')] = grads[v.name]!.dataSync() as Float32Array;
  });
  tf.dispose([batch.x, batch.returns, batch.direction, batch.continues, scale]);
  model.dispose();
  return result;
}

const maxAbs = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** max |a - b| / max(max |b|, floor): the tensor-relative difference. */
function relativeDifference(a: Float32Array, b: Float32Array, floor = 0): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  const scale = Math.max(maxAbs(b), floor);
  return scale === 0 ? diff : diff / scale;
}

/**
 * Every tensor of `native` within TOLERANCE of `wasm`'s. Some gradients are zero in exact arithmetic
 * (a key bias or the long-only portfolio bias: softmax ignores a constant shift), so what both backends
 * return there is rounding noise: each tensor's scale is at least a thousandth of the largest magnitude
 * among all of them.
 */
function expectSame(native: Record<string, Float32Array>, wasm: Record<string, Float32Array>): void {
  expect(Object.keys(native).sort()).toEqual(Object.keys(wasm).sort());
  const floor = 1e-3 * Math.max(...Object.values(wasm).map(maxAbs));
  const worst = Object.keys(wasm)
    .map((name) => ({ name, difference: relativeDifference(native[name]!, wasm[name]!, floor) }))
    .sort((a, b) => b.difference - a.difference);
  expect(worst[0]!.difference, `worst: ${worst[0]!.name}`).toBeLessThan(TOLERANCE);
}

afterAll(async () => {
  await initBackend('wasm');
});

describe('the tensorflow and wasm backends compute the same model', () => {
  const cases: Array<[string, ModelConfigInput]> = [
    ['the default configuration', { horizon: 1 }],
    [
      'a hierarchical long-short configuration',
      {
        horizon: 1,
        portfolio: 'long-short',
        lookback: 48,
        patchLength: 8,
        dModel: 32,
        hierarchy: {
          sectors: { BTCUSDT: 'majors', ETHUSDT: 'majors', SOLUSDT: 'l1', AVAXUSDT: 'l1', DOTUSDT: 'l1' },
          markets: { majors: 'crypto', l1: 'crypto' },
        },
      },
    ],
  ];
  for (const [name, input] of cases) {
    it(`gives the same heads, attention and gradients: ${name}`, async () => {
      const config = ModelConfigSchema.parse(input);
      const data = dataset(config, 600);
      // Weights drawn once (backend-free JS), then set on each backend.
      expect(await initBackend('wasm')).toBe('wasm');
      const seeded = new CrossAssetModel(config, { symbols: data.source.symbols, features: 8 }, 3);
      const weights = seeded.params.exportWeights();
      seeded.dispose();
      const wasm = await compute('wasm', config, data, weights);
      const native = await compute('tensorflow', config, data, weights);
      expectSame(native.outputs, wasm.outputs);
      expectSame(native.gradients, wasm.gradients);
    });
  }

  it('a model trained on tensorflow predicts the same on wasm', async () => {
    const config = ModelConfigSchema.parse({
      horizon: 1,
      lookback: 48,
      patchLength: 8,
      dModel: 32,
      training: { epochs: 2, maxStepsPerEpoch: 6, batchSize: 16, workers: 1 },
    });
    const data = dataset(config, 700);
    const bars = data.validationBars.slice(0, 24);
    const x = gatherWindows(data.source, bars);
    expect(await initBackend('tensorflow')).toBe('tensorflow');
    const trained = await trainModel(data, {
      config,
      seed: 4,
      now: () => 0,
      yieldToEventLoop: async () => {},
    });
    const saved = saveModel(trained.model, data.stats, 4);
    const onNative = predictWindows(trained.model, x, data.stats.targetStd);
    trained.model.dispose();
    expect(await initBackend('wasm')).toBe('wasm');
    const reloaded = loadModel(saved);
    const onWasm = predictWindows(reloaded, x, data.stats.targetStd);
    reloaded.dispose();
    const flat = (p: typeof onNative) =>
      Float32Array.from(
        p.flatMap((s) => [...s.weights, ...s.returns, ...s.direction.flat(), ...s.attention.flat(3)]),
      );
    expect(relativeDifference(flat(onWasm), flat(onNative))).toBeLessThan(TOLERANCE);
    // Training moved the weights: the comparison is not of an untrained model with itself.
    const untrained = new CrossAssetModel(config, { symbols: data.source.symbols, features: 8 }, 4);
    expect(relativeDifference(saved.weights, untrained.params.exportWeights())).toBeGreaterThan(1e-3);
    untrained.dispose();
  });
});
