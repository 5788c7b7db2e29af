// Which TensorFlow.js backend serves which job, chosen by measurement when the core starts. The two
// jobs cost differently: a decision is one sample through the default model (a few hundred small ops,
// where per-op dispatch dominates), training is batches of 32 forward and backward (larger ops, where
// native arithmetic pays). Each available backend runs both on the default model shape; the faster one
// gets the job. Decisions (and backtest predictions) run on the core's thread, training in the
// training worker, so the two may differ. CROSSDESK_TF_BACKEND=tensorflow|wasm|cpu pins both.
import type { BackendName } from '../../../shared/domain';
import { ModelConfigSchema } from '../../../shared/contract/model';
import { currentBackend, initBackend, tf } from './backend';
import type { Tensor4 } from '../features/windows';
import { lossGradients } from './gradients';
import { graphsAvailable, graphsBuilt } from './graph/compiled-calls';
import { GraphSteps } from './graph/train-step';
import { predictOne } from './infer';
import { computeLosses } from './losses';
import { CrossAssetModel } from './model';
import { seededRandom } from './params';
import { concurrentTrainings, nativeBindingThreadSafe } from './native-threads';

export type Job = 'training' | 'decisions';

export interface BackendMeasurement {
  backend: BackendName;
  /** Median of one-sample inferences of the default model, ms. */
  decisionMs: number;
  /** Median training step (forward, backward) at batch 32 on one thread, ms. */
  trainStepMs: number;
}

export interface BackendChoice {
  training: BackendName;
  decisions: BackendName;
  /** 'measured' at start, or 'pinned' by CROSSDESK_TF_BACKEND or the caller. */
  how: 'measured' | 'pinned';
  /** Trainings that may run at once (walk-forward folds fitted ahead): see concurrentTrainings. */
  concurrentTrainings: number;
  /** Whether the jobs on tensorflow run as graphs (graph/compiled-calls.ts). */
  graphs: boolean;
  measurements: BackendMeasurement[];
}

const CANDIDATES: BackendName[] = ['tensorflow', 'wasm'];
const SYMBOLS = ['A', 'B', 'C', 'D', 'E'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const random = seededRandom(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random() * 2 - 1;
  return tf.tensor(values, shape, 'float32');
}

/** Times the default model on the current backend: a few decisions and a few training steps. */
function measure(backend: BackendName, now: () => number): BackendMeasurement {
  const config = ModelConfigSchema.parse({});
  const model = new CrossAssetModel(config, { symbols: SYMBOLS, features: config.features.length }, 1);
  const a = SYMBOLS.length;
  const f = config.features.length;
  const one = randomTensor([1, a, config.lookback, f], 2) as tf.Tensor4D;
  const batch = 32;
  const x = randomTensor([batch, a, config.lookback, f], 3) as tf.Tensor4D;
  const returns = randomTensor([batch, a], 4) as tf.Tensor2D;
  const direction = tf.tidy(() =>
    tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: batch * a }, (_, i) => i % 3),
          'int32',
        ),
        3,
      )
      .reshape([batch, a, 3]),
  ) as tf.Tensor3D;
  const continues = tf.ones([batch]) as tf.Tensor1D;
  const returnScale = tf.ones([a]) as tf.Tensor1D;
  try {
    // The jobs as the app runs them: predictions and training steps as graphs where they can be
    // (graph/), else eagerly.
    const window = { data: one.dataSync() as Float32Array, shape: one.shape as Tensor4['shape'] };
    const scale = Array.from({ length: a }, () => 1);
    const decide = () => {
      const start = now();
      predictOne(model, window, scale);
      return now() - start;
    };
    const graphs = graphsAvailable()
      ? new GraphSteps(model, (out, b) => computeLosses(out, b, config.loss))
      : null;
    const step = (seed: number) => {
      const start = now();
      if (graphs) graphs.gradients({ x, returns, direction, continues, returnScale }, seed, graphs.gradient);
      else {
        lossGradients(
          model,
          x,
          seed,
          (out) => computeLosses(out, { returns, returnScale, direction, continues }, config.loss),
          (_variables, grads) => grads.forEach((g) => g?.dataSync()),
        );
      }
      return now() - start;
    };
    // Warm-up: TensorFlow builds its kernels (oneDNN primitives) per shape on first use, and a graph
    // is traced and checked on its first calls.
    for (let i = 0; i < 10; i++) decide();
    for (let i = 0; i < 3; i++) step(i + 10);
    const decisionMs = median(Array.from({ length: 15 }, decide));
    const trainStepMs = median([1, 2, 3].map(step));
    graphs?.dispose();
    return { backend, decisionMs, trainStepMs };
  } finally {
    tf.dispose([one, x, returns, direction, continues, returnScale]);
    model.dispose();
  }
}

function pinnedBackend(): BackendName | undefined {
  const pinned = process.env.CROSSDESK_TF_BACKEND;
  return pinned === 'tensorflow' || pinned === 'wasm' || pinned === 'cpu' ? pinned : undefined;
}

let choice: BackendChoice | null = null;
let pending: Promise<BackendChoice> | null = null;

/** The choice once made, or null while the start-up measurement runs. */
export function backendChoice(): BackendChoice | null {
  return choice;
}

export interface ChoiceOptions {
  /** A backend for both jobs (tests); default CROSSDESK_TF_BACKEND, else measured. */
  pinned?: BackendName;
  /** A high-resolution clock in ms for the measurement; without one the ladder's first backend serves. */
  now?: () => number;
}

/**
 * Measures each available backend and assigns the jobs (once per thread; later calls return the same
 * promise). Leaves the thread on the decisions backend. A pinned backend (or CROSSDESK_TF_BACKEND)
 * skips the measurement: that backend, or the best available below it, serves both jobs.
 */
export function chooseBackends(options: ChoiceOptions = {}): Promise<BackendChoice> {
  const pinned = options.pinned ?? pinnedBackend();
  const now = options.now;
  pending ??= (async () => {
    if (pinned || !now) {
      const got = await initBackend(pinned);
      return (choice = {
        training: got,
        decisions: got,
        how: pinned ? 'pinned' : 'measured',
        measurements: [],
        concurrentTrainings: concurrentTrainings(got),
        graphs: got === 'tensorflow' && graphsBuilt(),
      });
    }
    const measurements: BackendMeasurement[] = [];
    for (const candidate of CANDIDATES) {
      if ((await initBackend(candidate)) !== candidate) continue;
      measurements.push(measure(candidate, now));
    }
    if (measurements.length === 0) {
      const got = await initBackend();
      return (choice = {
        training: got,
        decisions: got,
        how: 'measured',
        measurements,
        concurrentTrainings: concurrentTrainings(got),
        graphs: got === 'tensorflow' && graphsBuilt(),
      });
    }
    const fastest = (key: 'decisionMs' | 'trainStepMs') =>
      measurements.reduce((best, m) => (m[key] < best[key] ? m : best)).backend;
    const training = fastest('trainStepMs');
    let decisions = fastest('decisionMs');
    // An unpatched native binding must not run in the training worker and this thread at once.
    if (training === 'tensorflow' && decisions === 'tensorflow' && !nativeBindingThreadSafe()) {
      decisions = measurements.find((m) => m.backend !== 'tensorflow')?.backend ?? decisions;
    }
    if (currentBackend() !== decisions) await initBackend(decisions);
    return (choice = {
      training,
      decisions,
      how: 'measured',
      measurements,
      concurrentTrainings: concurrentTrainings(training),
      graphs: (training === 'tensorflow' || decisions === 'tensorflow') && graphsBuilt(),
    });
  })();
  return pending;
}
