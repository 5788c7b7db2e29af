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
  const variables = model.params.list();
  const parts = tf.tidy(() => {
    let kept: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const losses = lossesOf(model.forward(x, true, dropoutSeed));
      kept = [tf.keep(losses.mse), tf.keep(losses.crossEntropy), tf.keep(losses.sharpe)];
      return losses.total;
    }, variables);
    use(
      variables,
      variables.map((v) => grads[v.name]),
    );
    const stacked = tf.stack([value, ...kept]);
    tf.dispose(kept);
    return stacked;
  });
  const [total, mse, crossEntropy, sharpe] = Array.from(parts.dataSync());
  parts.dispose();
  return { total: total!, mse: mse!, crossEntropy: crossEntropy!, sharpe: sharpe! };
}
