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

/** What one half of a split batch tells the other about its portfolio returns. */
export interface HalfStatistics {
  /**
   * Σ r and Σ r² of the half's net returns: all of the first half's; the second half leaves out its
   * first sample, whose turnover crosses the boundary (each side computes that sample itself).
   */
  sum: number;
  sumSquares: number;
  /** The weights next to the boundary: the first half's last row, the second half's first row. */
  boundaryWeights: Float32Array;
  /** Second half: the gross return of its first sample; 0 from the first half. */
  boundaryGross: number;
}

export interface HalfContext {
  /** 0: the batch's first half (trainer), 1: its second half (replica). */
  side: 0 | 1;
  /** Samples in the whole batch. */
  batchSize: number;
  /** 1 when the second half's first bar directly follows the first half's last (turnover is charged). */
  boundaryContinues: number;
  /** Publishes this half's statistics and returns the other half's (blocks until they arrive). */
  exchange: (own: HalfStatistics) => HalfStatistics;
}

/**
 * One half's share of the whole batch's loss, such that the two halves' parameter gradients add up to
 * the whole batch's. MSE and cross-entropy are normalised by the whole batch size. The Sharpe ratio is
 * the whole batch's, from Σ r and Σ r² of both halves: the other half's sums enter as constants.
 * The boundary sample m (the second half's first) has r_m = g_m - c·|w_m - w_{m-1}|: the second half
 * differentiates it through g_m and w_m with w_{m-1} constant, the first half through w_{m-1} with g_m
 * and w_m constant, so dS/dr_m · dr_m/dθ is split exactly between them. Both halves' `continues[0]` must
 * be 0 (makeBatch gives that): the boundary's turnover is charged here instead.
 */
export function computeHalfLosses(
  out: ForwardOutput,
  targets: LossTargets,
  weights: ModelConfig['loss'],
  context: HalfContext,
): Losses {
  const n = out.weights.shape[0];
  const a = out.weights.shape[1];
  const share = n / context.batchSize;
  const scaled = tf.div(targets.returns, targets.returnScale);
  const mse = tf.mul(tf.mean(tf.square(tf.sub(out.returns, scaled))), share) as tf.Scalar;
  const logProbabilities = tf.logSoftmax(out.directionLogits);
  const crossEntropy = tf.mul(
    tf.neg(tf.mean(tf.sum(tf.mul(targets.direction, logProbabilities), -1))),
    share,
  ) as tf.Scalar;
  const net = netPortfolioReturns(out.weights, targets.returns, targets.continues, weights.turnoverCost);
  // The second half keeps its boundary sample apart; the first half sums all of its own.
  const counted = context.side === 0 ? net : tf.slice(net, [1], [n - 1]);
  const boundaryRow = tf.slice(out.weights, [context.side === 0 ? n - 1 : 0, 0], [1, a]);
  const ownSum = tf.sum(counted);
  const ownSquares = tf.sum(tf.square(counted));
  const boundaryNet = context.side === 0 ? tf.zeros([1]) : tf.slice(net, [0], [1]);
  const published = tf.concat([tf.stack([ownSum, ownSquares]), boundaryNet, tf.reshape(boundaryRow, [a])]);
  const values = published.dataSync();
  const other = context.exchange({
    sum: values[0]!,
    sumSquares: values[1]!,
    boundaryGross: values[2]!,
    boundaryWeights: Float32Array.from(values.subarray(3, 3 + a)),
  });
  const otherRow = tf.tensor2d(other.boundaryWeights, [1, a]);
  const turnover =
    weights.turnoverCost === 0 || context.boundaryContinues === 0
      ? tf.scalar(0)
      : tf.mul(tf.sum(tf.abs(tf.sub(boundaryRow, otherRow))), weights.turnoverCost);
  // r_m, live in this half's side of it.
  const boundary =
    context.side === 0
      ? tf.sub(tf.scalar(other.boundaryGross), turnover)
      : tf.sub(tf.reshape(boundaryNet, []), turnover);
  const total = context.batchSize;
  const sum = tf.add(tf.add(ownSum, boundary), other.sum);
  const squares = tf.add(tf.add(ownSquares, tf.square(boundary)), other.sumSquares);
  const mean = tf.div(sum, total);
  // Population variance, as tf.moments in sharpeRatio.
  const variance = tf.relu(tf.sub(tf.div(squares, total), tf.square(mean)));
  const sharpe = tf.div(mean, tf.sqrt(tf.add(variance, 1e-12))) as tf.Scalar;
  let loss = tf.scalar(0);
  if (weights.mse > 0) loss = tf.add(loss, tf.mul(mse, weights.mse));
  if (weights.crossEntropy > 0) loss = tf.add(loss, tf.mul(crossEntropy, weights.crossEntropy));
  if (weights.sharpe > 0) loss = tf.sub(loss, tf.mul(sharpe, weights.sharpe));
  return { total: loss as tf.Scalar, mse, crossEntropy, sharpe };
}
