// Inference: windows in, plain numbers out. One sample for live decisions, many for backtests; every
// tensor is created and released inside the call, so repeated predictions keep the tensor count flat.
import type { Tensor4 } from '../features/windows';
import { tf } from './backend';
import type { CrossAssetModel } from './model';

export interface SamplePrediction {
  /** Portfolio weights per asset (long-only sum to 1; long-short gross exposure 1). */
  weights: number[];
  /** Predicted log return over the horizon per asset (de-standardised). */
  returns: number[];
  /** [asset][down, flat, up] probabilities. */
  direction: number[][];
  /** [layer][head][query asset][key asset]. */
  attention: number[][][][];
  /** Index i = lag i + 1 bars; empty when the lag module is off. */
  lagWeights: number[];
}

function rows(
  values: Float32Array | Int32Array | Uint8Array,
  width: number,
  offset: number,
  count: number,
): number[][] {
  return Array.from({ length: count }, (_, r) =>
    Array.from(values.subarray(offset + r * width, offset + (r + 1) * width)),
  );
}

/**
 * Predicts every sample of X [samples, assets, lookback, features] in batches of `batchSize`.
 * `returnScale` is the training target std per asset (the return head predicts in those units).
 */
export function predictWindows(
  model: CrossAssetModel,
  x: Tensor4,
  returnScale: readonly number[],
  batchSize = 256,
): SamplePrediction[] {
  const [samples, a, l, f] = x.shape;
  const out: SamplePrediction[] = [];
  for (let start = 0; start < samples; start += batchSize) {
    const n = Math.min(batchSize, samples - start);
    const part = x.data.subarray(start * a * l * f, (start + n) * a * l * f);
    const result = tf.tidy(() => {
      const input = tf.tensor4d(part, [n, a, l, f]);
      const o = model.forward(input, false);
      return {
        weights: o.weights.dataSync() as Float32Array,
        returns: o.returns.dataSync() as Float32Array,
        direction: tf.softmax(o.directionLogits).dataSync() as Float32Array,
        attention: o.attention.map((m) => m.dataSync() as Float32Array),
        lag: (o.lagWeights?.dataSync() as Float32Array | undefined) ?? new Float32Array(0),
      };
    });
    const heads = model.config.heads;
    const lagWeights = Array.from(result.lag);
    for (let s = 0; s < n; s++) {
      out.push({
        weights: Array.from(result.weights.subarray(s * a, (s + 1) * a)),
        returns: Array.from(result.returns.subarray(s * a, (s + 1) * a), (v, i) => v * returnScale[i]!),
        direction: rows(result.direction, 3, s * a * 3, a),
        attention: result.attention.map((m) =>
          Array.from({ length: heads }, (_, h) => rows(m, a, (s * heads + h) * a * a, a)),
        ),
        lagWeights,
      });
    }
  }
  return out;
}

export function predictOne(
  model: CrossAssetModel,
  x: Tensor4,
  returnScale: readonly number[],
): SamplePrediction {
  return predictWindows(model, x, returnScale, 1)[0]!;
}
