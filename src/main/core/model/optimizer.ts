// Adam over one flat vector of all parameters, with global-norm clipping, computed on the host: in JS,
// or in the graph addon on the tensorflow backend (native/adam.cc, the same bits). tfjs's Adam issues
// ~16 small kernels per variable (about 1,100 per step for this model) and a flat-tensor version needs
// a split that wasm runs slowly; on wasm each kernel costs tens of µs, while this loop over 131k
// parameters takes 1.0–1.2 ms (0.24 ms native). The moments are positions in the flat vector,
// which follows the model's fixed parameter order: they cannot be re-paired with the wrong variable.
import { tf } from './backend';
import { graphAddon } from './graph/addon';

/** Adam's per-step numbers: the moments' decay rates, epsilon, the bias-corrected step size, the clip. */
export type AdamHyper = readonly [
  beta1: number,
  beta2: number,
  epsilon: number,
  stepSize: number,
  clipNorm: number,
];

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Gradients are scaled down so that their global L2 norm is at most this. */
  clipNorm: number;
}

export class FlatAdam {
  learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly clipNorm: number;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  /** The parameters, flat, refilled from the variables every step (one buffer: less garbage). */
  private readonly weights: Float32Array;
  private steps = 0;

  constructor(
    private readonly variables: tf.Variable[],
    options: AdamOptions,
  ) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    this.clipNorm = options.clipNorm;
    const total = variables.reduce((sum, v) => sum + v.size, 0);
    this.m = new Float32Array(total);
    this.v = new Float32Array(total);
    this.weights = new Float32Array(total);
  }

  /**
   * Applies one update; `gradients[i]` belongs to `variables[i]` (undefined: the loss does not depend on
   * it, e.g. the portfolio head when the Sharpe weight is 0). Returns the pre-clip global norm.
   */
  apply(gradients: Array<tf.Tensor | undefined>): number {
    if (gradients.length !== this.variables.length) throw new Error('one gradient per variable, in order');
    const flat = new Float32Array(this.m.length);
    let offset = 0;
    gradients.forEach((g, i) => {
      if (g) flat.set(g.dataSync() as Float32Array, offset);
      offset += this.variables[i]!.size;
    });
    return this.applyFlat(flat);
  }

  /**
   * The same update from one flat gradient in parameter order (data-parallel training sums the halves'
   * gradients first, so clipping sees the whole batch's norm). When `published` is given, the updated
   * parameters are also written there, flat, for the replica to read.
   */
  applyFlat(gradient: Float32Array, published?: Float32Array): number {
    if (gradient.length !== this.m.length) throw new Error('one gradient value per parameter');
    this.steps++;
    const { beta1, beta2, epsilon } = this;
    // Bias correction folded into the step size.
    const stepSize =
      (this.learningRate * Math.sqrt(1 - Math.pow(beta2, this.steps))) / (1 - Math.pow(beta1, this.steps));
    // The current values, read each step: a caller may have set them (best weights restored).
    const { weights } = this;
    let offset = 0;
    for (const variable of this.variables) {
      weights.set(variable.dataSync() as Float32Array, offset);
      offset += variable.size;
    }
    const hyper: AdamHyper = [beta1, beta2, epsilon, stepSize, this.clipNorm];
    const native = tf.getBackend() === 'tensorflow' ? graphAddon() : null;
    const norm = native
      ? native.adamUpdate(weights, gradient, this.m, this.v, hyper)
      : adamUpdate(weights, gradient, this.m, this.v, hyper);
    published?.set(weights);
    offset = 0;
    for (const variable of this.variables) {
      // A copy per variable: a tensor may keep the array it was made from.
      const w = weights.slice(offset, offset + variable.size);
      offset += variable.size;
      tf.tidy(() => variable.assign(tf.tensor(w, variable.shape, 'float32')));
    }
    return norm;
  }

  dispose(): void {
    // Moments live in JS memory; nothing to release on the backend.
  }
}

/**
 * Adam with global-norm clipping over flat arrays, in place; returns the pre-clip norm. On the
 * tensorflow backend the graph addon's adamUpdate (native/adam.cc) runs the same arithmetic, in the
 * same order, giving the same bits about five times faster.
 */
export function adamUpdate(
  weights: Float32Array,
  gradient: Float32Array,
  m: Float32Array,
  v: Float32Array,
  [beta1, beta2, epsilon, stepSize, clipNorm]: AdamHyper,
): number {
  let squares = 0;
  for (let i = 0; i < gradient.length; i++) squares += gradient[i]! * gradient[i]!;
  const norm = Math.sqrt(squares);
  const scale = Math.min(1, clipNorm / (norm + 1e-6));
  for (let j = 0; j < gradient.length; j++) {
    const gi = gradient[j]! * scale;
    const mj = (m[j] = beta1 * m[j]! + (1 - beta1) * gi);
    const vj = (v[j] = beta2 * v[j]! + (1 - beta2) * gi * gi);
    weights[j] = weights[j]! - (stepSize * mj) / (Math.sqrt(vj) + epsilon);
  }
  return norm;
}
