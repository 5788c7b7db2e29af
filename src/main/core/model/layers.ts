// Building blocks chosen for the wasm backend (see tfjs-notes): attention is reshape + plain matMul (no
// einsum), the dense layer has a gradient made of explicit transposes and untransposed 2-D matMuls,
// LayerNorm is built from moments, and nothing trained uses gather or conv.
import { tf } from './backend';

/**
 * x[N, K] · w[K, M]. The default matMul gradient uses transposed matmuls, which wasm runs through a
 * slow loop; transposing the operand explicitly and multiplying plainly is the same value and far faster.
 */
export const matMul2d = tf.customGrad(((...args: unknown[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy as tf.Tensor2D)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** Dense layer on rows: x[N, K] → [N, M]. */
export function dense(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor2D {
  const y = matMul2d(x as tf.Tensor2D, w as tf.Tensor2D);
  return b ? tf.add(y, b) : y;
}

/** LayerNorm over the last axis, from moments (works and differentiates on every backend). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon = 1e-5): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
}

/** Dropout only while training; `seed` makes it reproducible. */
export function dropout(x: tf.Tensor, rate: number, training: boolean, seed: number): tf.Tensor {
  return training && rate > 0 ? tf.dropout(x, rate, undefined, seed) : x;
}

/**
 * Scaled dot-product attention on batched heads: q[G, Tq, d], k[G, Tk, d], v[G, Tk, d] (G may broadcast
 * between q and k/v) → out[G, Tq, d] and weights[G, Tq, Tk] (each row sums to 1).
 */
export function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor): { out: tf.Tensor; weights: tf.Tensor } {
  const d = q.shape[q.shape.length - 1]!;
  const rank = k.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  const scores = tf.mul(tf.matMul(q, tf.transpose(k, perm)), 1 / Math.sqrt(d));
  const weights = tf.softmax(scores);
  return { out: tf.matMul(weights, v), weights };
}

/**
 * Rows [groups·tokens, heads·headDim] → [groups·heads, tokens, headDim]. Only rank-4 transposes: wasm
 * runs rank-5 transposes and slices through a generic path about 50× slower.
 */
export function toHeads(x: tf.Tensor, groups: number, tokens: number, heads: number): tf.Tensor3D {
  const headDim = x.shape[x.shape.length - 1]! / heads;
  const t = tf.transpose(tf.reshape(x, [groups, tokens, heads, headDim]), [0, 2, 1, 3]);
  return tf.reshape(t, [groups * heads, tokens, headDim]);
}

/** [groups·heads, tokens, headDim] → rows [groups·tokens, heads·headDim]. */
export function mergeHeads(x: tf.Tensor, groups: number, heads: number): tf.Tensor2D {
  const [, tokens, headDim] = x.shape as [number, number, number];
  const t = tf.transpose(tf.reshape(x, [groups, heads, tokens, headDim]), [0, 2, 1, 3]);
  return tf.reshape(t, [groups * tokens, heads * headDim]);
}

/**
 * Shifts a sequence back in time along `axis` by `lag` steps, zero-padding the start: position τ of the
 * result holds position τ - lag of the input. A key built from it can only see the past.
 */
export function shiftBack(x: tf.Tensor, lag: number, axis: number): tf.Tensor {
  if (lag === 0) return x;
  const length = x.shape[axis]!;
  if (lag >= length) return tf.zerosLike(x);
  const begin = x.shape.map(() => 0);
  const size = x.shape.map((s, i) => (i === axis ? length - lag : s));
  const kept = tf.slice(x, begin, size);
  const padShape = x.shape.map((s, i) => (i === axis ? lag : s));
  return tf.concat([tf.zeros(padShape), kept], axis);
}

/** Mean over the token axis plus the newest token: [B, A, T, D] → [B, A, D]. */
export function poolTokens(x: tf.Tensor4D): tf.Tensor3D {
  const [b, a, t, d] = x.shape;
  const last = tf.reshape(tf.slice(x, [0, 0, t - 1, 0], [b, a, 1, d]), [b, a, d]);
  return tf.add(tf.mean(x, 2), last) as tf.Tensor3D;
}
