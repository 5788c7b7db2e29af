// Worker-thread entry for training: keeps the main process's event loop free while TensorFlow.js runs
// (wasm is single-threaded in Node). Protocol: workerData = {input, backend}; the parent may post
// {type: 'cancel'}; the worker posts progress, then exactly one 'done' or 'error'.
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendName } from '../../../shared/domain';
import { toErrorShape } from '../../../shared/errors';
import { systemClock } from '../clock';
import { initBackend } from './backend';
import { runTraining, type TrainingInput } from './training-job';
import type { WorkerMessage } from './worker-protocol';

const port = parentPort!;
const { input, backend } = workerData as { input: TrainingInput; backend?: BackendName };
const controller = new AbortController();
port.on('message', (message: { type: string }) => {
  if (message.type === 'cancel') controller.abort();
});

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

try {
  await initBackend(backend);
  const outcome = await runTraining(input, {
    now: () => systemClock.now(),
    signal: controller.signal,
    onProgress: (progress) => post({ type: 'progress', progress }),
  });
  post({ type: 'done', outcome }, [outcome.weights.buffer as ArrayBuffer]);
} catch (err) {
  post({ type: 'error', error: toErrorShape(err) });
} finally {
  port.close();
}
