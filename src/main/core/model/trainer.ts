// The training loop: Adam with global-norm gradient clipping, reduce-on-plateau, early stopping on the
// chronological validation block (best weights kept), progress callbacks, cancellation by AbortSignal.
// Deterministic from the seed on a given backend (initialisation, shuffling and dropout are seeded).
// The same function runs in the worker thread and in-process (tests). With `training.workers: 2` each
// step's batch is split with one replica thread (data-parallel.ts), started here and terminated in
// `finally` whatever the outcome; validation stays on this thread.
import { CoreError } from '../../../shared/errors';
import type { ModelConfig, ModelMetrics, ModelProgress } from '../../../shared/contract/model';
import { DIRECTION_DOWN, DIRECTION_UP, gatherWindows, targetsFor } from '../features/windows';
import { currentBackend, tf } from './backend';
import { halfGradients, Replica } from './data-parallel';
import type { Dataset } from './dataset';
import { computeLosses, netPortfolioReturns, sharpeRatio } from './losses';
import { CrossAssetModel, type BatchParts } from './model';
import { lossGradients, type StepLosses } from './gradients';
import { compiledCallsOf, graphsAvailable } from './graph/compiled-calls';
import { GraphSteps } from './graph/train-step';

export type { StepLosses } from './gradients';
import { FlatAdam } from './optimizer';
import { seededRandom } from './params';

export type TrainProgress = Omit<ModelProgress, 'jobId'>;

export interface TrainOptions {
  config: ModelConfig;
  seed: number;
  /** Injected clock (ms) for throughput and ETA only; never affects the result. */
  now: () => number;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  /** Minimum ms between step progress reports (epoch ends always report). */
  progressEveryMs?: number;
  /** Lets cancellation and messages through between steps; the default yields one macrotask. */
  yieldToEventLoop?: () => Promise<void>;
}

export interface TrainResult {
  model: CrossAssetModel;
  metrics: ModelMetrics;
}

interface Batch {
  x: tf.Tensor4D;
  returns: tf.Tensor2D;
  direction: tf.Tensor3D;
  continues: tf.Tensor1D;
}

/**
 * Builds a batch's tensors from decision bars (chunks of consecutive bars keep turnover meaningful).
 * With `buffer`, X is written into it and the tensor is made from it without a copy: on tensorflow
 * the binding's tensor points into that memory (and reshapes of it too), so a batch must be disposed
 * before the buffer is refilled for the next one, as every caller here does.
 */
export function makeBatch(data: Dataset, bars: readonly number[], buffer?: Float32Array): Batch {
  const x = gatherWindows(data.source, bars, buffer);
  const targets = targetsFor(data.source, bars);
  const a = data.source.symbols.length;
  const continues = new Float32Array(bars.length);
  for (let i = 1; i < bars.length; i++) continues[i] = bars[i] === bars[i - 1]! + 1 ? 1 : 0;
  return {
    x: tf.tensor4d(x.data, x.shape),
    returns: tf.tensor2d(targets.returns, [bars.length, a]),
    direction: tf.tidy(() =>
      tf.reshape(tf.oneHot(tf.tensor1d(targets.direction, 'int32'), 3), [bars.length, a, 3]).toFloat(),
    ) as tf.Tensor3D,
    continues: tf.tensor1d(continues),
  };
}

function disposeBatch(batch: Batch): void {
  tf.dispose([batch.x, batch.returns, batch.direction, batch.continues]);
}

/** One epoch's batches: shuffled chunks of `chunkLength` consecutive training bars. */
export function epochBatches(bars: readonly number[], config: ModelConfig, random: () => number): number[][] {
  const { batchSize, chunkLength, maxStepsPerEpoch } = config.training;
  const chunk = Math.max(1, Math.min(chunkLength, batchSize));
  const starts: number[] = [];
  for (let i = 0; i + chunk <= bars.length; i += chunk) starts.push(i);
  for (let i = starts.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [starts[i], starts[j]] = [starts[j]!, starts[i]!];
  }
  const chunksPerBatch = Math.max(1, Math.floor(batchSize / chunk));
  const batches: number[][] = [];
  for (let i = 0; i + chunksPerBatch <= starts.length; i += chunksPerBatch) {
    const batch: number[] = [];
    for (const start of starts.slice(i, i + chunksPerBatch)) batch.push(...bars.slice(start, start + chunk));
    batches.push(batch);
  }
  if (batches.length === 0 && bars.length > 0) batches.push([...bars]);
  return maxStepsPerEpoch > 0 ? batches.slice(0, maxStepsPerEpoch) : batches;
}

/**
 * The step's dropout seeding. With `training.workers: 2` on a backend that trains on one thread (see
 * splitsBatches), the batch's halves keep the seeds the two workers would give them: the step computes
 * the same gradient as the two-thread step (and the same training run), on one thread.
 */
function dropoutOf(config: ModelConfig, samples: number, stepSeed: number): number | BatchParts {
  if (config.training.workers !== 2 || samples < 2 || splitsBatches(currentBackend())) return stepSeed;
  const m = Math.ceil(samples / 2);
  return [
    { seed: stepSeed * 2, samples: m },
    { seed: stepSeed * 2 + 1, samples: samples - m },
  ];
}

/**
 * One optimisation step. Gradients go to Adam in the model's fixed parameter order, so its moments stay
 * paired with the right variables.
 */
export function trainStep(
  model: CrossAssetModel,
  optimizer: FlatAdam,
  batch: Batch,
  returnScale: tf.Tensor1D,
  stepSeed: number,
  graphs?: GraphSteps,
): StepLosses {
  const dropoutSeed = dropoutOf(model.config, batch.x.shape[0], stepSeed);
  if (graphs) {
    const losses = graphs.gradients({ ...batch, returnScale }, dropoutSeed, graphs.gradient);
    optimizer.applyFlat(graphs.gradient);
    return losses;
  }
  return lossGradients(
    model,
    batch.x,
    dropoutSeed,
    (out) => computeLosses(out, { ...batch, returnScale }, model.config.loss),
    (_variables, grads) => optimizer.apply(grads),
  );
}

/** The run's graph steps where the native backend can run them (graph/train-step.ts), else undefined. */
export function graphStepsFor(model: CrossAssetModel): GraphSteps | undefined {
  if (!graphsAvailable()) return undefined;
  return new GraphSteps(model, (out, batch) => computeLosses(out, batch, model.config.loss));
}

/**
 * The whole batch's gradient from two threads (config `training.workers: 2`, see data-parallel.ts): the
 * first half of `bars` here, the second on the replica, summed into `into` in that order. Returns the
 * whole batch's losses. Needs at least 2 bars.
 */
export function parallelGradients(
  model: CrossAssetModel,
  data: Dataset,
  bars: readonly number[],
  returnScale: tf.Tensor1D,
  stepSeed: number,
  replica: Replica,
  into: Float32Array,
  buffer?: Float32Array,
): StepLosses {
  // A fixed split: contiguous halves, so that turnover only crosses between the halves at one pair.
  const m = Math.ceil(bars.length / 2);
  const first = bars.slice(0, m);
  const second = bars.slice(m);
  const boundary = second[0] === first[m - 1]! + 1 ? 1 : 0;
  // Dropout masks are seeded per step and per half.
  const seq = replica.begin(second, stepSeed * 2 + 1, bars.length, boundary);
  const batch = makeBatch(data, first, buffer);
  let own: StepLosses;
  try {
    own = halfGradients(
      model,
      batch,
      returnScale,
      stepSeed * 2,
      { side: 0, batchSize: bars.length, boundaryContinues: boundary, exchange: replica.exchange(seq) },
      into,
    );
  } finally {
    disposeBatch(batch);
  }
  const theirs = replica.finish(seq);
  const grads = replica.views.grads;
  for (let i = 0; i < into.length; i++) into[i] = into[i]! + grads[i]!;
  const weights = model.config.loss;
  const mse = own.mse + theirs.mse;
  const crossEntropy = own.crossEntropy + theirs.crossEntropy;
  let total = 0;
  if (weights.mse > 0) total += mse * weights.mse;
  if (weights.crossEntropy > 0) total += crossEntropy * weights.crossEntropy;
  if (weights.sharpe > 0) total -= own.sharpe * weights.sharpe;
  return { total, mse, crossEntropy, sharpe: own.sharpe };
}

/** parallelGradients, then Adam on the summed gradient; the new parameters are published to the replica. */
export function parallelStep(
  model: CrossAssetModel,
  optimizer: FlatAdam,
  data: Dataset,
  bars: readonly number[],
  returnScale: tf.Tensor1D,
  stepSeed: number,
  replica: Replica,
  gradient: Float32Array,
  buffer?: Float32Array,
): StepLosses {
  const losses = parallelGradients(model, data, bars, returnScale, stepSeed, replica, gradient, buffer);
  optimizer.applyFlat(gradient, replica.params);
  return losses;
}

export interface Evaluation {
  loss: number;
  mse: number;
  crossEntropy: number;
  sharpe: number;
  directionAccuracy: number;
  directionAccuracyAll: number;
  /** [query][key], mean over layers, heads and samples. */
  meanAttention: number[][];
  lagWeights: number[];
  samples: number;
}

/** Loss and accuracy on chronological bars (no dropout); turnover follows the bars' order. */
export function evaluate(
  model: CrossAssetModel,
  data: Dataset,
  bars: readonly number[],
  batchSize = 256,
): Evaluation {
  const a = model.assets;
  const scale = tf.tensor1d(data.stats.targetStd);
  let lossSum = 0;
  let mseSum = 0;
  let ceSum = 0;
  let hits = 0;
  let decided = 0;
  let hitsAll = 0;
  const attentionSum = new Float64Array(a * a);
  const weightRows: Float32Array[] = [];
  const returnRows: Float32Array[] = [];
  let lagWeights: number[] = [];
  for (let i = 0; i < bars.length; i += batchSize) {
    const slice = bars.slice(i, i + batchSize);
    const batch = makeBatch(data, slice);
    // One graph per batch size on native (graph/compiled-calls.ts): every epoch evaluates the same
    // validation block in the same batches.
    const [values, attention, predicted, upVsDown, truth, weights, lag] = compiledCallsOf(model).call(
      `evaluate:${slice.length}`,
      [...model.params.list(), batch.x, batch.returns, batch.direction, batch.continues, scale],
      () =>
        tf.tidy(() => {
          const out = model.forward(batch.x, false);
          const losses = computeLosses(out, { ...batch, returnScale: scale }, model.config.loss);
          return [
            tf.stack([losses.total, losses.mse, losses.crossEntropy]),
            tf.mean(tf.stack(out.attention.map((m) => tf.sum(tf.mean(m, 1), 0))), 0),
            tf.argMax(out.directionLogits, -1),
            tf.sub(
              tf.slice(out.directionLogits, [0, 0, DIRECTION_UP], [-1, -1, 1]),
              tf.slice(out.directionLogits, [0, 0, DIRECTION_DOWN], [-1, -1, 1]),
            ),
            tf.argMax(batch.direction, -1),
            out.weights,
            ...(out.lagWeights ? [out.lagWeights] : []),
          ];
        }),
    );
    const [loss, mse, ce] = Array.from(values!.data);
    const n = slice.length;
    lossSum += loss! * n;
    mseSum += mse! * n;
    ceSum += ce! * n;
    for (let j = 0; j < a * a; j++) attentionSum[j]! += attention!.data[j]!;
    const truthValues = truth!.data;
    for (let j = 0; j < n * a; j++) {
      if (predicted!.data[j] === truthValues[j]) hitsAll++;
      if (truthValues[j] === DIRECTION_UP || truthValues[j] === DIRECTION_DOWN) {
        decided++;
        if (upVsDown!.data[j]! > 0 === (truthValues[j] === DIRECTION_UP)) hits++;
      }
    }
    weightRows.push(weights!.data as Float32Array);
    returnRows.push(batch.returns.dataSync() as Float32Array);
    lagWeights = lag ? Array.from(lag.data) : [];
    disposeBatch(batch);
  }
  scale.dispose();
  // Sharpe over the whole chronological block, not per batch.
  const sharpe = tf.tidy(() => {
    const weights = tf.tensor2d(concat(weightRows), [bars.length, a]);
    const returns = tf.tensor2d(concat(returnRows), [bars.length, a]);
    const continues = tf.tensor1d(bars.map((t, i) => (i > 0 && t === bars[i - 1]! + 1 ? 1 : 0)));
    return sharpeRatio(
      netPortfolioReturns(weights, returns, continues, model.config.loss.turnoverCost),
    ).dataSync()[0]!;
  });
  const count = Math.max(1, bars.length);
  const meanAttention = Array.from({ length: a }, (_, q) =>
    Array.from({ length: a }, (_, k) => attentionSum[q * a + k]! / count),
  );
  return {
    loss: lossSum / count,
    mse: mseSum / count,
    crossEntropy: ceSum / count,
    sharpe,
    directionAccuracy: decided > 0 ? hits / decided : 0,
    directionAccuracyAll: hitsAll / Math.max(1, count * a),
    meanAttention,
    lagWeights,
    samples: bars.length,
  };
}

function concat(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((s, r) => s + r.length, 0));
  let offset = 0;
  for (const r of rows) {
    out.set(r, offset);
    offset += r.length;
  }
  return out;
}

const defaultYield = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Whether `training.workers: 2` splits each batch with a replica thread on this backend. wasm is
 * single-threaded in Node, so the replica is how training uses the second core. TensorFlow's native
 * kernels already run on both cores (its intra-op thread pool): a replica there competes for them,
 * and training ran slower with it (bench model-train: workers 2 against 1 on tensorflow).
 */
export function splitsBatches(backend: string): boolean {
  return backend !== 'tensorflow';
}

export async function trainModel(data: Dataset, options: TrainOptions): Promise<TrainResult> {
  const { config, seed, now, signal, onProgress } = options;
  const t = config.training;
  const yieldNow = options.yieldToEventLoop ?? defaultYield;
  const progressEvery = options.progressEveryMs ?? 250;
  const model = new CrossAssetModel(
    config,
    { symbols: data.source.symbols, features: config.features.length },
    seed,
  );
  const optimizer = new FlatAdam(model.params.list(), { learningRate: t.learningRate, clipNorm: t.clipNorm });
  const returnScale = tf.tensor1d(data.stats.targetStd);
  const random = seededRandom(seed * 2654435761);
  const buffer = new Float32Array(t.batchSize * model.assets * config.lookback * config.features.length);
  const started = now();
  let trainedSamples = 0;
  let trainingMs = 0;
  let best = {
    loss: Number.POSITIVE_INFINITY,
    epoch: -1,
    weights: null as Float32Array | null,
    trainLoss: 0,
  };
  let sincePlateau = 0;
  let sinceBest = 0;
  let learningRate = t.learningRate;
  let step = 0;
  let epochsRun = 0;
  let lastReport = Number.NEGATIVE_INFINITY;
  let replica: Replica | null = null;
  const gradient = new Float32Array(model.params.parameterCount());
  // Not with a replica: the two-thread step has its own path (data-parallel.ts).
  const graphs = t.workers === 2 && splitsBatches(currentBackend()) ? undefined : graphStepsFor(model);
  try {
    if (t.workers === 2 && splitsBatches(currentBackend())) {
      const backend = currentBackend();
      replica = await Replica.start(
        data,
        config,
        seed,
        backend === 'none' ? undefined : backend,
        model.params.exportWeights(),
      );
    }
    for (let epoch = 0; epoch < t.epochs; epoch++) {
      const batches = epochBatches(data.trainBars, config, random);
      let epochLoss = 0;
      let last: StepLosses = { total: 0, mse: 0, crossEntropy: 0, sharpe: 0 };
      for (let i = 0; i < batches.length; i++) {
        if (signal?.aborted) throw new CoreError('CANCELLED', 'Training was cancelled.');
        const stepStart = now();
        const stepSeed = seed * 1_000_003 + ++step;
        const bars = batches[i]!;
        if (replica && bars.length >= 2) {
          last = parallelStep(model, optimizer, data, bars, returnScale, stepSeed, replica, gradient, buffer);
        } else {
          const batch = makeBatch(data, bars, buffer);
          last = trainStep(model, optimizer, batch, returnScale, stepSeed, graphs);
          disposeBatch(batch);
          // A one-sample batch cannot be split: trained here alone, then published to the replica.
          replica?.params.set(model.params.exportWeights());
        }
        if (!Number.isFinite(last.total)) {
          throw new CoreError(
            'INTERNAL',
            `Training diverged at epoch ${epoch + 1} (loss is not finite); lower the learning rate.`,
          );
        }
        epochLoss += last.total;
        trainedSamples += batches[i]!.length;
        trainingMs += now() - stepStart;
        const time = now();
        if (onProgress && time - lastReport >= progressEvery) {
          lastReport = time;
          onProgress(
            progressOf(
              epoch,
              t.epochs,
              i + 1,
              batches.length,
              epochLoss / (i + 1),
              null,
              last,
              learningRate,
              trainedSamples,
              trainingMs,
              step,
              batches.length * (t.epochs - epoch) - (i + 1),
            ),
          );
        }
        await yieldNow();
      }
      epochsRun = epoch + 1;
      const validation = evaluate(model, data, data.validationBars);
      const trainLoss = epochLoss / Math.max(1, batches.length);
      onProgress?.(
        progressOf(
          epoch,
          t.epochs,
          batches.length,
          batches.length,
          trainLoss,
          validation.loss,
          last,
          learningRate,
          trainedSamples,
          trainingMs,
          step,
          batches.length * (t.epochs - epoch - 1),
        ),
      );
      if (validation.loss < best.loss - 1e-6) {
        best = { loss: validation.loss, epoch, weights: model.params.exportWeights(), trainLoss };
        sinceBest = 0;
        sincePlateau = 0;
      } else {
        sinceBest++;
        sincePlateau++;
        if (sincePlateau >= t.plateauPatience) {
          learningRate *= t.plateauFactor;
          optimizer.learningRate = learningRate;
          sincePlateau = 0;
        }
        if (sinceBest >= t.earlyStopPatience) break;
      }
    }
    if (best.weights) model.params.importWeights(best.weights);
    const final = evaluate(model, data, data.validationBars);
    const metrics: ModelMetrics = {
      epochs: epochsRun,
      bestEpoch: best.epoch + 1,
      trainLoss: best.trainLoss,
      validationLoss: final.loss,
      directionAccuracy: final.directionAccuracy,
      directionAccuracyAll: final.directionAccuracyAll,
      validationSamples: final.samples,
      meanAttention: final.meanAttention,
      lagWeights: final.lagWeights,
      validationSharpe: final.sharpe,
      samplesPerSecond: trainingMs > 0 ? (trainedSamples * 1000) / trainingMs : 0,
      trainedSamples,
      durationMs: now() - started,
    };
    return { model, metrics };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    // Terminated on completion, failure and cancellation alike: no thread outlives its run.
    await replica?.close();
    graphs?.dispose();
    optimizer.dispose();
    returnScale.dispose();
  }
}

function progressOf(
  epoch: number,
  epochs: number,
  step: number,
  steps: number,
  trainLoss: number,
  validationLoss: number | null,
  last: StepLosses,
  learningRate: number,
  samples: number,
  ms: number,
  stepsDone: number,
  stepsLeft: number,
): TrainProgress {
  return {
    epoch: epoch + 1,
    epochs,
    step,
    steps,
    trainLoss,
    validationLoss,
    losses: { mse: last.mse, crossEntropy: last.crossEntropy, sharpe: last.sharpe },
    learningRate,
    samplesPerSecond: ms > 0 ? (samples * 1000) / ms : 0,
    // Early stopping can end sooner; the estimate assumes every epoch runs.
    etaMs: stepsDone > 0 ? (ms / stepsDone) * Math.max(0, stepsLeft) : null,
  };
}
