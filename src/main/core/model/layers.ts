// Building blocks chosen for the wasm backend (see tfjs-notes): attention is reshape + plain matMul (no
// einsum), the dense layer has a gradient made of explicit transposes and untransposed 2-D matMuls,
// nothing trained uses gather or conv, and hot paths avoid broadcasting element-wise ops and rank-5
// transposes, which wasm runs through slow generic loops.
//
// On the native binding (tensorflow) those workarounds only add ops: each op there is a TFE_Execute call
// through N-API (~10–25 µs of dispatch whatever its size), transposed and batched matMuls are native
// flags of one kernel, and broadcasting element-wise ops are as fast as same-shape ones. So each layer
// below has a form per backend flavour: 'wasm' (the workarounds) and 'native' (transpose flags,
// broadcasts, no copies). Both compute the same values (the backend parity test compares them).
import { tf } from './backend';
import { constant } from './constants';
import { graphAddon } from './graph/addon';
import { NATIVE_BATCH_MATMUL, NATIVE_BIAS_ADD, NATIVE_MATMUL } from './native-kernels';
import { seededUint32 } from './params';

export type LayerFlavour = 'wasm' | 'native';
let forced: LayerFlavour | null = null;

/** The flavour for the backend in use: 'native' on tensorflow, else 'wasm'. */
export function layerFlavour(): LayerFlavour {
  return forced ?? (tf.getBackend() === 'tensorflow' ? 'native' : 'wasm');
}

/** Forces a flavour whatever the backend (benchmarks measure each on each backend); null: automatic. */
export function forceLayerFlavour(flavour: LayerFlavour | null): void {
  forced = flavour;
}

/** The native flavour on the native backend: our one-op kernels (native-kernels.ts) exist there. */
const direct = () => layerFlavour() === 'native' && tf.getBackend() === 'tensorflow';

/** a·b as one TensorFlow MatMul (2-D, transpose flags), inside custom gradients only. */
function nativeMatMul(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor2D {
  return tf.engine().runKernel(NATIVE_MATMUL, { a, b }, { transposeA, transposeB }) as tf.Tensor2D;
}

function nativeBatchMatMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  return tf.engine().runKernel(NATIVE_BATCH_MATMUL, { a, b }, { transposeA, transposeB }) as tf.Tensor;
}

/** x·w (+ bias) (then relu) on native: one MatMul, one BiasAdd, one Relu. */
function nativeDense(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null, activation: Activation): tf.Tensor2D {
  let y = nativeMatMul(x, w);
  if (b) y = tf.engine().runKernel(NATIVE_BIAS_ADD, { x: y, bias: b }) as tf.Tensor2D;
  return activation === 'relu' ? tf.relu(y) : y;
}

export const scalar = (v: number) => constant(`scalar:${v}`, () => tf.scalar(v));

/**
 * A copy with its own buffer. wasm's matMul caches its packed right-hand operand by buffer id, not by
 * shape, so a gradient that is a reshaped view of a buffer already used as a right-hand operand with
 * another shape would reuse a stale packing (and abort). Gradients used as right-hand operands are
 * therefore copied first (one cheap same-shape kernel).
 */
function fresh(t: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(t, scalar(1));
}

/** dx = dy·wᵀ and dW = xᵀ·dy, per flavour (see `matMul2d`). */
function denseGradients(dy: tf.Tensor2D, x: tf.Tensor2D, w: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  if (direct()) return [nativeMatMul(dy, w, false, true), nativeMatMul(x, dy, true, false)];
  if (layerFlavour() === 'native') return [tf.matMul(dy, w, false, true), tf.matMul(x, dy, true, false)];
  return [tf.matMul(dy, tf.transpose(w)), tf.matMul(tf.transpose(x), fresh(dy))];
}

/**
 * x[N, K] · w[K, M]. The default matMul gradient uses transposed matmuls, which wasm runs through a
 * slow loop; transposing the operand explicitly and multiplying plainly is the same value and far faster.
 */
export const matMul2d = tf.customGrad(((...args: unknown[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: direct() ? nativeMatMul(x, w) : tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      return denseGradients(dy as tf.Tensor2D, sx, sw);
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

type Activation = 'linear' | 'relu';

function fusedDense(activation: Activation) {
  return tf.customGrad(((...args: unknown[]) => {
    const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const y = direct()
      ? nativeDense(x, w, b, activation)
      : tf.fused.matMul({ a: x, b: w, bias: b, activation });
    // The output is only needed for relu's mask; a saved tensor costs a kernel call.
    save(activation === 'relu' ? [x, w, y] : [x, w]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const g = (activation === 'relu' ? tf.mul(dy, tf.step(sy)) : dy) as tf.Tensor2D;
        return [...denseGradients(g, sx, sw), tf.sum(g, 0)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (
    x: tf.Tensor2D,
    w: tf.Tensor2D,
    b: tf.Tensor1D,
  ) => tf.Tensor2D;
}

const denseLinear = fusedDense('linear');
const denseRelu = fusedDense('relu');

/**
 * The dense layer on input data (no gradient flows to x): the same value as `dense`, but the backward
 * pass skips dx = dy·wᵀ. For the patch embedding that is a [B·A·T, d]·[d, p·F] matMul, the largest
 * single matMul of the backward pass, whose result was thrown away. x is saved, not an input.
 */
export function denseOnData(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return tf.customGrad(((...args: unknown[]) => {
    const [weights, bias, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([x]);
    return {
      value: direct()
        ? nativeDense(x, weights, bias, 'linear')
        : tf.fused.matMul({ a: x as tf.Tensor2D, b: weights, bias }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const g = dy as tf.Tensor2D;
        const sx = saved[0] as tf.Tensor2D;
        const dw = direct()
          ? nativeMatMul(sx, g, true, false)
          : layerFlavour() === 'native'
            ? tf.matMul(sx, g, true, false)
            : tf.matMul(tf.transpose(sx), fresh(g));
        return [dw, tf.sum(g, 0)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0])(w, b) as tf.Tensor2D;
}

/**
 * Dense layer on rows: x[N, K] → [N, M]. The bias goes into a fused matMul: on wasm a broadcasting add
 * ([N, M] + [M]) runs through a generic index loop about 10× slower than a same-shape add.
 */
export function dense(
  x: tf.Tensor,
  w: tf.Tensor,
  b?: tf.Tensor,
  activation: Activation = 'linear',
): tf.Tensor2D {
  if (!b) {
    const y = matMul2d(x as tf.Tensor2D, w as tf.Tensor2D);
    return activation === 'relu' ? tf.relu(y) : y;
  }
  return (activation === 'relu' ? denseRelu : denseLinear)(
    x as tf.Tensor2D,
    w as tf.Tensor2D,
    b as tf.Tensor1D,
  );
}

/** Column c[N, 1] repeated into [N, D] by a K=1 matMul (fast on wasm; a broadcasting op is not). */
function spreadColumn(c: tf.Tensor, d: number): tf.Tensor2D {
  return tf.matMul(c as tf.Tensor2D, ones([1, d]));
}

const ones = (shape: [number, number]) => constant(`ones:${shape}`, () => tf.ones(shape)) as tf.Tensor2D;

/** Row r[D] repeated into [N, D] the same way. */
function spreadRow(r: tf.Tensor, n: number): tf.Tensor2D {
  return tf.matMul(ones([n, 1]), tf.reshape(r, [1, -1]) as tf.Tensor2D);
}

/**
 * LayerNorm over the last axis of rows x[N, D], with an analytic gradient and no broadcasting ops: row
 * statistics are reductions, spread back over the row by a K=1 matMul, and so are gain and bias.
 * Same values as the moments-based form (a test compares both).
 */
const layerNormWasm = tf.customGrad(((...args: unknown[]) => {
  const [x, gamma, beta, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
  const [n, d] = x.shape;
  const centred = tf.sub(x, spreadColumn(tf.mean(x, -1, true), d));
  const invColumn = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), 1e-5));
  const normalised = tf.mul(centred, spreadColumn(invColumn, d)) as tf.Tensor2D;
  const gammaRows = spreadRow(gamma, n);
  save([normalised, invColumn, gammaRows]);
  return {
    value: tf.add(tf.mul(normalised, gammaRows), spreadRow(beta, n)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xhat, inv, gRows] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const g = tf.mul(dy, gRows);
      const meanG = spreadColumn(tf.mean(g, -1, true), d);
      const meanGx = spreadColumn(tf.mean(tf.mul(g, xhat), -1, true), d);
      const dx = tf.mul(spreadColumn(inv, d), tf.sub(tf.sub(g, meanG), tf.mul(xhat, meanGx)));
      return [dx, tf.sum(tf.mul(dy, xhat), 0), tf.sum(dy, 0)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (
  x: tf.Tensor2D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
) => tf.Tensor2D;

/** The same LayerNorm and analytic gradient with broadcasting ops (the native flavour). */
const layerNormNative = tf.customGrad(((...args: unknown[]) => {
  const [x, gamma, beta, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const inv = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), scalar(1e-5)));
  const normalised = tf.mul(centred, inv) as tf.Tensor2D;
  save([normalised, inv, gamma]);
  return {
    value: tf.add(tf.mul(normalised, gamma), beta),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xhat, sinv, sgamma] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      const g = tf.mul(dy, sgamma);
      const meanG = tf.mean(g, -1, true);
      const meanGx = tf.mean(tf.mul(g, xhat), -1, true);
      const dx = tf.mul(sinv, tf.sub(tf.sub(g, meanG), tf.mul(xhat, meanGx)));
      return [dx, tf.sum(tf.mul(dy, xhat), 0), tf.sum(dy, 0)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (
  x: tf.Tensor2D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
) => tf.Tensor2D;

/** LayerNorm over the last axis of rows x[N, D] in the backend's flavour. */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  return (layerFlavour() === 'native' ? layerNormNative : layerNormWasm)(x, gamma, beta);
}

/** The reference LayerNorm from moments (tests compare the fast form with it). */
export function layerNormReference(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon = 1e-5,
): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
}

/**
 * A dropout mask of `size` values: 0 where dropped, else 1 / (1 - rate) (inverted dropout). One 32-bit
 * draw gives four byte-sized uniforms: the drop test is byte < round(rate · 256). Pure: the same
 * arguments give the same mask, so a graph step (graph/train-step.ts) draws exactly the eager step's.
 * `into` (of `size` values) is filled instead of a new array: a graph step feeds its masks and reuses
 * the buffers, an eager tensor keeps its array and must get a new one.
 */
export function dropoutMask(
  size: number,
  rate: number,
  seed: number,
  parts?: DropoutParts,
  into?: Float32Array,
): Float32Array {
  const threshold = Math.round(rate * 256);
  const scale = Math.fround(256 / (256 - threshold));
  const mask = into ?? new Float32Array(size);
  if (mask.length !== size) throw new Error(`dropoutMask: a buffer of ${mask.length} values for ${size}`);
  const fill = maskFiller(mask, threshold, scale);
  if (!parts) fill(seed, 0, mask.length);
  else {
    // The batch's samples lead the layout: part k's rows are the next samples[k] / total of the mask.
    const total = parts.samples.reduce((a, b) => a + b, 0);
    let from = 0;
    parts.samples.forEach((n, k) => {
      const to = from + (mask.length / total) * n;
      fill(parts.seeds[k]! + seed, from, to);
      from = to;
    });
  }
  return mask;
}

/**
 * Fills mask values [from, to) from mulberry32 seeded with `seed`, four bytes a draw: in the graph
 * addon where it is loaded (native/dropout.cc, the same bits, about six times faster), else here.
 */
function maskFiller(
  mask: Float32Array,
  threshold: number,
  scale: number,
): (seed: number, from: number, to: number) => void {
  const native = tf.getBackend() === 'tensorflow' ? graphAddon()?.dropoutFill : undefined;
  if (native) return (seed, from, to) => native(mask, seed >>> 0, threshold, scale, from, to);
  // A byte's mask value by lookup instead of a compare per value: about 2 ns a value, against 5.
  const valueOf = new Float32Array(256);
  for (let byte = threshold; byte < 256; byte++) valueOf[byte] = scale;
  return (seed, from, to) => fillMask(mask, valueOf, seed, from, to);
}

/**
 * Mask values [from, to) from mulberry32 seeded with `seed`, four bytes a draw, each looked up
 * (`valueOf[byte]`); exported as the reference the addon's fill is tested against.
 */
export function fillMask(
  mask: Float32Array,
  valueOf: Float32Array,
  seed: number,
  from: number,
  to: number,
): void {
  const random = seededUint32(seed);
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const bits = random();
    mask[i] = valueOf[bits & 255]!;
    mask[i + 1] = valueOf[(bits >>> 8) & 255]!;
    mask[i + 2] = valueOf[(bits >>> 16) & 255]!;
    mask[i + 3] = valueOf[bits >>> 24]!;
  }
  if (i < to) {
    let bits = random();
    for (; i < to; i++, bits >>>= 8) mask[i] = valueOf[bits & 255]!;
  }
}

/** How a dropout call drew its mask; a tap (graph tracing) sees each mask tensor with it. */
export interface DropoutDraw {
  size: number;
  rate: number;
  seed: number;
}

type DropoutTap = (mask: tf.Tensor, draw: DropoutDraw) => void;
let dropoutTap: DropoutTap | null = null;

/** Lets graph tracing see every dropout mask the traced step uploads (null: stop). */
export function tapDropoutMasks(tap: DropoutTap | null): void {
  dropoutTap = tap;
}

/**
 * Dropout only while training. The mask is drawn in JS from `seed` (reproducible) and applied with one
 * same-shape multiply: cheaper on wasm than tf.dropout's random tensor and broadcasting ops.
 */
export function dropout(
  x: tf.Tensor,
  rate: number,
  training: boolean,
  seed: number,
  parts?: DropoutParts,
): tf.Tensor {
  if (!training || rate <= 0) return x;
  const mask = tf.tensor(dropoutMask(x.size, rate, seed, parts), x.shape, 'float32');
  dropoutTap?.(mask, { size: x.size, rate, seed });
  return tf.mul(x, mask);
}

/**
 * Dropout masks drawn per part of the batch, as if each part were a batch of its own with its own
 * seed: a one-thread step with the parts of a two-worker step draws the same masks, so it computes the
 * same gradient (data-parallel.ts) whichever way the batch is run.
 */
export interface DropoutParts {
  /** Per part, its dropout seed (the forward's dropoutSeed of that part, times 7919). */
  seeds: number[];
  /** Samples per part, in batch order. */
  samples: number[];
}

/**
 * h[R·times, D] plus row r of rows[R, D] on each of its `times` rows: a broadcasting add on native,
 * repeated rows (repeatRows) on wasm.
 */
export function addPerGroup(h: tf.Tensor2D, rows: tf.Tensor2D, times: number): tf.Tensor2D {
  const [r, d] = rows.shape;
  if (layerFlavour() === 'native') {
    return tf.reshape(tf.add(tf.reshape(h, [r, times, d]), tf.reshape(rows, [r, 1, d])), [r * times, d]);
  }
  return tf.add(h, tf.reshape(repeatRows(rows, times), [r * times, d])) as tf.Tensor2D;
}

/**
 * Rows x[R, D] repeated `times` each: [R, times, D] (row r's copies adjacent). Built from transposes and
 * a K=1 matMul: wasm's tile is slow, and concat's gradient (split) is too.
 */
export function repeatRows(x: tf.Tensor2D, times: number): tf.Tensor3D {
  const [r, d] = x.shape;
  if (times === 1) return tf.reshape(x, [r, 1, d]);
  const column = tf.reshape(tf.transpose(x), [d * r, 1]) as tf.Tensor2D;
  const spread = repeatColumn(column, times); // [D·R, times]
  return tf.transpose(tf.reshape(spread, [d, r, times]), [1, 2, 0]);
}

/**
 * c[N, 1] → [N, times] by a K=1 matMul with a row of ones. Its gradient is a last-axis sum of dy, a
 * fast reduction; through matMul2d it was dy·onesᵀ plus cᵀ·dy for the ones, a [1, N]·[N, times]
 * matMul whose result nothing used.
 */
export function repeatColumn(c: tf.Tensor2D, times: number): tf.Tensor2D {
  return tf.customGrad(((...args: unknown[]) => {
    const [column] = args as [tf.Tensor2D];
    return {
      value: tf.matMul(column, ones([1, times])),
      gradFunc: (dy: tf.Tensor) => [tf.sum(dy, -1, true)],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0])(c) as tf.Tensor2D;
}

/** r[1, M] → [n, M] the same way; its gradient is the column sums of dy. */
export function repeatRow(r: tf.Tensor2D, n: number): tf.Tensor2D {
  return tf.customGrad(((...args: unknown[]) => {
    const [row] = args as [tf.Tensor2D];
    return {
      value: tf.matMul(ones([n, 1]), row),
      gradFunc: (dy: tf.Tensor) => [tf.sum(dy, 0, true)],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0])(r) as tf.Tensor2D;
}

/**
 * Softmax over the last axis. On native as exp(x − max) / Σ with softmax's own gradient,
 * y·(dy − Σ dy·y): Eigen's elementwise kernels, where the one Softmax op becomes oneDNN's, which is
 * slow on the model's short rows (7 tokens, 5 assets): the step's kernels took 0.6–0.9 ms less
 * (model-graph-profile). Elsewhere tf.softmax.
 */
export function softmax(x: tf.Tensor): tf.Tensor {
  return direct() ? shortRowSoftmax(x) : tf.softmax(x);
}

const shortRowSoftmax = tf.customGrad(((...args: unknown[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const e = tf.exp(tf.sub(x, tf.max(x, -1, true)));
  const y = tf.div(e, tf.sum(e, -1, true));
  save([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sy] = saved as [tf.Tensor];
      return [tf.mul(sy, tf.sub(dy, tf.sum(tf.mul(dy, sy), -1, true)))];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/**
 * Scaled dot-product attention on batched heads: q[G, Tq, d], k[G, Tk, d], v[G, Tk, d] (G may broadcast
 * between q and k/v) → out[G, Tq, d] and weights[G, Tq, Tk] (each row sums to 1).
 */
export function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor): { out: tf.Tensor; weights: tf.Tensor } {
  const d = q.shape[q.shape.length - 1]!;
  // Batched matMuls run wasm's plain loop either way; transposeB reads k's rows contiguously and saves a
  // transpose kernel forward and one backward.
  const scores = tf.mul(batchMatMul(q, k, true), scalar(1 / Math.sqrt(d)));
  const weights = softmax(scores);
  return { out: batchMatMul(weights, v, false), weights };
}

const sameBatch = (a: tf.Tensor, b: tf.Tensor) =>
  a.rank === b.rank && a.shape.slice(0, -2).every((s, i) => s === b.shape[i]);

/** a·b (transposeB: a·bᵀ) on batched operands with equal batch dims, as one op each way on native. */
const nativeProduct = (transposeB: boolean) =>
  tf.customGrad(((...args: unknown[]) => {
    const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([a, b]);
    return {
      value: nativeBatchMatMul(a, b, false, transposeB),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
        // C = A·B: dA = dC·Bᵀ, dB = Aᵀ·dC. C = A·Bᵀ: dA = dC·B, dB = dCᵀ·A.
        return transposeB
          ? [nativeBatchMatMul(dy, sb, false, false), nativeBatchMatMul(dy, sa, true, false)]
          : [nativeBatchMatMul(dy, sb, false, true), nativeBatchMatMul(sa, dy, true, false)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const nativeProducts = { plain: nativeProduct(false), transposed: nativeProduct(true) };

/** Batched a·b or a·bᵀ: one native op each way where the batch dims agree, else tf.matMul. */
export function batchMatMul(a: tf.Tensor, b: tf.Tensor, transposeB: boolean): tf.Tensor {
  if (direct() && sameBatch(a, b))
    return (transposeB ? nativeProducts.transposed : nativeProducts.plain)(a, b);
  return tf.matMul(a, b, false, transposeB);
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
