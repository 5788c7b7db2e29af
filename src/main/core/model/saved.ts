// A trained model as data: what the registry stores and the worker sends back. Loading it rebuilds the
// same network and sets the same float32 weights, so predictions are reproduced exactly.
import type { ModelConfig } from '../../../shared/contract/model';
import type { NormStats } from '../features/windows';
import { CrossAssetModel } from './model';

export interface SavedModel {
  config: ModelConfig;
  symbols: string[];
  stats: NormStats;
  seed: number;
  /** Every parameter in the model's creation order. */
  weights: Float32Array;
}

export function saveModel(model: CrossAssetModel, stats: NormStats, seed: number): SavedModel {
  return {
    config: model.config,
    symbols: [...model.shape.symbols],
    stats,
    seed,
    weights: model.params.exportWeights(),
  };
}

export function loadModel(saved: SavedModel): CrossAssetModel {
  const model = new CrossAssetModel(
    saved.config,
    { symbols: saved.symbols, features: saved.config.features.length },
    saved.seed,
  );
  try {
    model.params.importWeights(saved.weights);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/** float32 little-endian bytes (the BLOB). Copies, so the result owns its buffer. */
export function weightsToBytes(weights: Float32Array): Uint8Array {
  const bytes = new Uint8Array(weights.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < weights.length; i++) view.setFloat32(i * 4, weights[i]!, true);
  return bytes;
}

export function bytesToWeights(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new Error('a weights blob holds whole float32 values');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
