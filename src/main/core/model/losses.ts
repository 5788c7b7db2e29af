// The training objective: MSE on the standardised return, cross-entropy on the direction, and the
// negative Sharpe ratio of the portfolio head's returns net of a turnover cost, with configurable weights.
// No boolean masks (no gradient for Greater on wasm): the turnover mask is a 0/1 float tensor.
import type { ModelConfig } from '../../../shared/contract/model';
import { tf } from './backend';
import type { ForwardOutput } from './model';

export interface LossTargets {
  /** [B, A] raw log returns over the horizon. */
  returns: tf.Tensor2D;
  /** [A] target std from the training range: the regression head predicts returns / std. */
  returnScale: tf.Tensor1D;
  /** [B, A, 3] one-hot down/flat/up. */
  direction: tf.Tensor3D;
  /** [B] 1 where sample b is the decision right after sample b-1 (turnover is charged), else 0. */
  continues: tf.Tensor1D;
}

export interface Losses {
  total: tf.Scalar;
  mse: tf.Scalar;
  crossEntropy: tf.Scalar;
  /** The Sharpe ratio itself (the loss term is its negative). */
  sharpe: tf.Scalar;
}

/** Per-sample portfolio return net of turnover cost: [B]. */
export function netPortfolioReturns(
  weights: tf.Tensor2D,
  returns: tf.Tensor2D,
  continues: tf.Tensor1D,
  turnoverCost: number,
): tf.Tensor1D {
  const gross = tf.sum(tf.mul(weights, returns), 1);
  const b = weights.shape[0];
  if (b < 2 || turnoverCost === 0) return gross as tf.Tensor1D;
  const a = weights.shape[1];
  const change = tf.sub(tf.slice(weights, [1, 0], [b - 1, a]), tf.slice(weights, [0, 0], [b - 1, a]));
  const turnover = tf.concat([tf.zeros([1]), tf.sum(tf.abs(change), 1)], 0);
  return tf.sub(gross, tf.mul(tf.mul(turnover, continues), turnoverCost)) as tf.Tensor1D;
}

export function sharpeRatio(net: tf.Tensor1D): tf.Scalar {
  const { mean, variance } = tf.moments(net);
  return tf.div(mean, tf.sqrt(tf.add(variance, 1e-12))) as tf.Scalar;
}

export function computeLosses(
  out: ForwardOutput,
  targets: LossTargets,
  weights: ModelConfig['loss'],
): Losses {
  const scaled = tf.div(targets.returns, targets.returnScale);
  const mse = tf.mean(tf.square(tf.sub(out.returns, scaled))) as tf.Scalar;
  const logProbabilities = tf.logSoftmax(out.directionLogits);
  const crossEntropy = tf.neg(tf.mean(tf.sum(tf.mul(targets.direction, logProbabilities), -1))) as tf.Scalar;
  const net = netPortfolioReturns(out.weights, targets.returns, targets.continues, weights.turnoverCost);
  const sharpe = sharpeRatio(net);
  let total = tf.scalar(0);
  if (weights.mse > 0) total = tf.add(total, tf.mul(mse, weights.mse));
  if (weights.crossEntropy > 0) total = tf.add(total, tf.mul(crossEntropy, weights.crossEntropy));
  if (weights.sharpe > 0) total = tf.sub(total, tf.mul(sharpe, weights.sharpe));
  return { total: total as tf.Scalar, mse, crossEntropy, sharpe };
}
