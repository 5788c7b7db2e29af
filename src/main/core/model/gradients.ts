// One training forward-backward pass, shared by the one-thread step (trainer.ts) and each half of the
// two-thread step (data-parallel.ts): losses and parameter gradients inside one tf.tidy, so that the
// tensor count stays flat, with the gradients handed over in the model's fixed parameter order.
import { tf } from './backend';
import type { Losses } from './losses';
import type { BatchParts, CrossAssetModel, ForwardOutput } from './model';

export interface StepLosses {
  total: number;
  mse: number;
  crossEntropy: number;
  sharpe: number;
}

/** The step's tensors: [total, mse, crossEntropy, sharpe] and one gradient per parameter, for the caller to dispose. */
export interface StepTensors {
  losses: tf.Tensor1D;
  grads: Array<tf.Tensor | undefined>;
}

/**
 * Runs the model in training mode on `x`, takes `lossesOf` its output, and returns the losses and the
 * gradient of the total per parameter (undefined where the loss does not depend on it), in the model's
 * parameter order; every intermediate tensor is released.
 */
export function stepTensors(
  model: CrossAssetModel,
  x: tf.Tensor4D,
  dropoutSeed: number | BatchParts,
  lossesOf: (out: ForwardOutput) => Losses,
): StepTensors {
  const variables = model.params.list();
  return tf.tidy((): tf.TensorContainer => {
    let kept: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const losses = lossesOf(model.forward(x, true, dropoutSeed));
      kept = [tf.keep(losses.mse), tf.keep(losses.crossEntropy), tf.keep(losses.sharpe)];
      return losses.total;
    }, variables);
    const losses = tf.stack([value, ...kept]) as tf.Tensor1D;
    tf.dispose(kept);
    const ordered = variables.map((v) => grads[v.name]);
    // tidy keeps what it returns: the losses and the gradients, nothing else.
    return { losses, grads: ordered } as unknown as tf.TensorContainer;
  }) as unknown as StepTensors;
}

/** [total, mse, crossEntropy, sharpe] as StepLosses. */
export function stepLosses(values: ArrayLike<number>): StepLosses {
  return { total: values[0]!, mse: values[1]!, crossEntropy: values[2]!, sharpe: values[3]! };
}

/**
 * Runs the model in training mode on `x`, takes `lossesOf` its output, and calls `use` with the gradient
 * of the total per parameter (undefined where the loss does not depend on it) before they are disposed.
 */
export function lossGradients(
  model: CrossAssetModel,
  x: tf.Tensor4D,
  dropoutSeed: number | BatchParts,
  lossesOf: (out: ForwardOutput) => Losses,
  use: (variables: tf.Variable[], grads: (tf.Tensor | undefined)[]) => void,
): StepLosses {
  const { losses, grads } = stepTensors(model, x, dropoutSeed, lossesOf);
  try {
    use(model.params.list(), grads);
    return stepLosses(losses.dataSync());
  } finally {
    tf.dispose([losses, ...grads.filter((g): g is tf.Tensor => g !== undefined)]);
  }
}
