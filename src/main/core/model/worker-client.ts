// Runs a training job in a worker thread and turns its messages into a promise, progress callbacks and
// cancellation. From the electron-vite bundle the compiled train-worker.js next to this module is
// used; from source the TypeScript entry is started through a small tsx bootstrap.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import type { TrainingInput, TrainingOutcome } from './training-job';
import type { TrainProgress } from './trainer';
import type { WorkerMessage } from './worker-protocol';

export interface WorkerTrainingOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  /** Backend preference inside the worker (tests pin 'wasm'); default: the best available. */
  backend?: BackendName;
}

function spawn(input: TrainingInput, backend: BackendName | undefined): Worker {
  // In the bundle this module may sit in a shared chunk one folder below the entries (out/main/chunks).
  for (const bundled of [
    new URL('./train-worker.js', import.meta.url),
    new URL('../train-worker.js', import.meta.url),
  ]) {
    if (bundled.protocol === 'file:' && existsSync(fileURLToPath(bundled))) {
      return new Worker(bundled, { workerData: { input, backend } });
    }
  }
  const entry = new URL('./train-worker.ts', import.meta.url).href;
  return new Worker(new URL('./train-worker-bootstrap.mjs', import.meta.url), {
    workerData: { input, backend, entry },
  });
}

export function trainInWorker(
  input: TrainingInput,
  options: WorkerTrainingOptions = {},
): Promise<TrainingOutcome> {
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(new CoreError('CANCELLED', 'Training was cancelled.'));
  const worker = spawn(input, options.backend);
  return new Promise<TrainingOutcome>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => worker.postMessage({ type: 'cancel' });
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'done') finish(() => resolve(message.outcome));
      else finish(() => reject(CoreError.from(message.error)));
    });
    worker.on('error', (err) =>
      finish(() => reject(new CoreError('INTERNAL', `The training worker failed: ${err.message}`))),
    );
    worker.on('exit', (code) =>
      finish(() =>
        reject(new CoreError('INTERNAL', `The training worker stopped unexpectedly (exit code ${code}).`)),
      ),
    );
  });
}
