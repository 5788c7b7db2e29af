// Constant tensors built once and kept: scalars, rows of ones, the shape and axes vectors of native
// reshapes and reductions. A number passed to an op is uploaded as a new tensor on every call; on the
// native backend that is a tensor creation, a TFE handle and a disposal each time. Keyed per backend
// (a tensor belongs to the backend it was made on). The set is small and bounded by the model shapes.
import { tf } from './backend';

const kept = new Map<string, tf.Tensor>();

export function constant(key: string, make: () => tf.Tensor): tf.Tensor {
  const id = `${tf.getBackend()}:${key}`;
  let value = kept.get(id);
  if (!value || value.isDisposed) {
    value = tf.tidy(() => tf.keep(make()));
    kept.set(id, value);
  }
  return value;
}

/** Live kept constants: leak checks compare tf.memory().numTensors with this, not with 0. */
export function constantCount(): number {
  let n = 0;
  for (const t of kept.values()) if (!t.isDisposed) n++;
  return n;
}
