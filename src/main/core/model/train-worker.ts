// Worker-thread entry for training: keeps the main process's event loop free while TensorFlow.js runs
// (wasm is single-threaded in Node). Protocol (worker-protocol.ts): workerData = {backend}; the parent
// posts {type: 'train'} jobs, one at a time, and may post {type: 'cancel'} for the one running; for
// each job the worker posts progress, then exactly one 'done' or 'error', and waits for the next. The
// backend is set up once per worker, and graphs stay in the thread for the next job of the same model
// signature (graph/compiled-calls.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendName } from '../../../shared/domain';
import { toErrorShape } from '../../../shared/errors';
import { systemClock } from '../clock';
import { initBackend, tf } from './backend';
import { runTraining, type TrainingInput } from './training-job';
import type { ParentMessage, WorkerMessage } from './worker-protocol';

const port = parentPort!;
const { backend } = workerData as { backend?: BackendName };
const ready = initBackend(backend);
// Awaited by every job, which reports a failure as its error; not an unhandled rejection meanwhile.
ready.catch(() => undefined);
let running: { job: number; controller: AbortController } | null = null;
let queue = Promise.resolve();

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function train(job: number, input: TrainingInput): Promise<void> {
  const controller = new AbortController();
  running = { job, controller };
  try {
    await ready;
    const outcome = await runTraining(input, {
      now: () => systemClock.now(),
      signal: controller.signal,
      onProgress: (progress) => post({ type: 'progress', job, progress }),
    });
    const tensors = tf.memory().numTensors;
    post({ type: 'done', job, outcome, tensors }, [outcome.weights.buffer as ArrayBuffer]);
  } catch (err) {
    post({ type: 'error', job, error: toErrorShape(err) });
  } finally {
    running = null;
  }
}

port.on('message', (message: ParentMessage) => {
  if (message.type === 'cancel') {
    if (running?.job === message.job) running.controller.abort();
  } else if (message.type === 'train') {
    queue = queue.then(() => train(message.job, message.input));
  }
});
