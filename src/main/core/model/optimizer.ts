// Adam over one flat vector of all parameters, with global-norm clipping, computed in JS. tfjs's Adam
// issues ~16 small kernels per variable (about 1,100 per step for this model) and a flat-tensor version
// needs a split that wasm runs slowly; on wasm each kernel costs tens of µs, while this loop over 130k
// parameters takes well under a millisecond. The moments are positions in the flat vector, which
// follows the model's fixed parameter order: they cannot be re-paired with the wrong variable.
import { tf } from './backend';

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
    const { beta1, beta2, epsilon, m, v } = this;
    let squares = 0;
    for (let i = 0; i < gradient.length; i++) squares += gradient[i]! * gradient[i]!;
    const norm = Math.sqrt(squares);
    const scale = Math.min(1, this.clipNorm / (norm + 1e-6));
    // Bias correction folded into the step size.
    const stepSize =
      (this.learningRate * Math.sqrt(1 - Math.pow(beta2, this.steps))) / (1 - Math.pow(beta1, this.steps));
    let offset = 0;
    for (const variable of this.variables) {
      const w = new Float32Array(variable.dataSync() as Float32Array);
      for (let i = 0; i < w.length; i++) {
        const j = offset + i;
        const gi = gradient[j]! * scale;
        const mj = (m[j] = beta1 * m[j]! + (1 - beta1) * gi);
        const vj = (v[j] = beta2 * v[j]! + (1 - beta2) * gi * gi);
        w[i] = w[i]! - (stepSize * mj) / (Math.sqrt(vj) + epsilon);
      }
      published?.set(w, offset);
      offset += w.length;
      tf.tidy(() => variable.assign(tf.tensor(w, variable.shape, 'float32')));
    }
    return norm;
  }

  dispose(): void {
    // Moments live in JS memory; nothing to release on the backend.
  }
}
