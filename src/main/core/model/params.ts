// The model's trainable parameters: an ordered list of named variables, created from a seed so that a
// training run is reproducible on a given backend. The order is fixed at creation and is the order of
// gradients passed to Adam (its moments are paired by position) and of the saved weights blob.
import { tf } from './backend';

/** mulberry32 as 32-bit integers: small, fast, good enough for initialisation, shuffling, dropout. */
export function seededUint32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniforms in [0, 1) from mulberry32. */
export function seededRandom(seed: number): () => number {
  const next = seededUint32(seed);
  return () => next() / 4294967296;
}

let instanceCounter = 0;

export class ParamStore {
  private readonly names: string[] = [];
  private readonly variables = new Map<string, tf.Variable>();
  private readonly random: () => number;
  /** tf variable names are global to the engine: prefix them per instance. */
  private readonly prefix = `crossdesk${++instanceCounter}`;

  constructor(seed: number) {
    this.random = seededRandom(seed ^ 0x5eed);
  }

  /** Glorot-uniform matrix (fan-in, fan-out from the last two dimensions). */
  glorot(name: string, shape: number[]): tf.Variable {
    const fanIn = shape.length >= 2 ? shape[shape.length - 2]! : shape[0]!;
    const fanOut = shape[shape.length - 1]!;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return this.create(name, shape, () => (this.random() * 2 - 1) * limit);
  }

  normal(name: string, shape: number[], std: number): tf.Variable {
    return this.create(name, shape, () => {
      // Box-Muller from two uniforms.
      const u = Math.max(this.random(), 1e-12);
      const v = this.random();
      return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    });
  }

  constant(name: string, shape: number[], value: number): tf.Variable {
    return this.create(name, shape, () => value);
  }

  private create(name: string, shape: number[], draw: () => number): tf.Variable {
    if (this.variables.has(name)) throw new Error(`parameter ${name} defined twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = draw();
    const initial = tf.tensor(values, shape, 'float32');
    const variable = tf.variable(initial, true, `${this.prefix}/${name}`);
    initial.dispose();
    this.names.push(name);
    this.variables.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(`unknown parameter ${name}`);
    return v;
  }

  /** In creation order. */
  list(): tf.Variable[] {
    return this.names.map((n) => this.variables.get(n)!);
  }

  parameterCount(): number {
    return this.list().reduce((sum, v) => sum + v.size, 0);
  }

  /** All weights concatenated in creation order, little-endian float32. */
  exportWeights(): Float32Array {
    const out = new Float32Array(this.parameterCount());
    let offset = 0;
    for (const v of this.list()) {
      out.set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
    return out;
  }

  importWeights(weights: Float32Array): void {
    if (weights.length !== this.parameterCount()) {
      throw new Error(`weights hold ${weights.length} values, the model has ${this.parameterCount()}`);
    }
    let offset = 0;
    for (const v of this.list()) {
      const slice = weights.subarray(offset, offset + v.size);
      tf.tidy(() => v.assign(tf.tensor(slice, v.shape, 'float32')));
      offset += v.size;
    }
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.names.length = 0;
  }
}
