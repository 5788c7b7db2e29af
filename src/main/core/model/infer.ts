// Inference: windows in, plain numbers out. One sample for live decisions, many for backtests; every
// tensor is created and released inside the call, so repeated predictions keep the tensor count flat.
import type { Tensor4 } from '../features/windows';
import { tf } from './backend';
import { compiledCallsOf, type HostArray } from './graph/compiled-calls';
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
    const input = tf.tensor4d(part, [n, a, l, f]);
    let outputs: HostArray[];
    try {
      // One graph per batch size on native (graph/compiled-calls.ts), after a few eager calls: worth
      // it for decisions and long prediction runs, not for a one-off.
      outputs = compiledCallsOf(model).call(
        `predict:${n}`,
        [...model.params.list(), input],
        () =>
          tf.tidy(() => {
            const o = model.forward(input, false);
            return [
              o.weights,
              o.returns,
              tf.softmax(o.directionLogits),
              ...o.attention,
              ...(o.lagWeights ? [o.lagWeights] : []),
            ];
          }),
        { eagerCalls: 2 },
      );
    } finally {
      input.dispose();
    }
    const layers = model.config.layers;
    const result = {
      weights: outputs[0]!.data,
      returns: outputs[1]!.data,
      direction: outputs[2]!.data,
      attention: outputs.slice(3, 3 + layers).map((o) => o.data),
      lag: outputs[3 + layers]?.data ?? new Float32Array(0),
    };
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
