// Runs a training job in a worker thread and turns its messages into a promise, progress callbacks and
// cancellation. From the electron-vite bundle the compiled train-worker.js next to this module is
// used; from source the TypeScript entry is started through a small tsx bootstrap.
//
// A job may keep its worker for the next (`keepWorker`: a backtest's fold trainings). Starting a
// worker costs its thread, the TypeScript loader (from source) and TensorFlow's set-up, about 1.5 s,
// and its graphs another 1.2 s a fold, in the default walk-forward, where each of about 40 folds
// trains a model. A kept worker waits, unreferenced (it keeps no process alive), for the next job on
// its backend, until closeIdleTrainingWorkers (the backtest's end, the core's shutdown). A worker
// whose job failed or was cancelled, or that holds more tensors than after its first job, is ended.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import type { TrainingInput, TrainingOutcome } from './training-job';
import type { TrainProgress } from './trainer';
import type { ParentMessage, WorkerMessage } from './worker-protocol';

export interface WorkerTrainingOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  /** Backend preference inside the worker (tests pin 'wasm'); default: the best available. */
  backend?: BackendName;
  /** Keep the worker for the next job when this one ends well (default: end it). */
  keepWorker?: boolean;
}

interface PooledWorker {
  worker: Worker;
  backend: BackendName | undefined;
  /** The job's message handler while a job runs. */
  onMessage: ((message: WorkerMessage) => void) | null;
  /** Called when the worker fails or exits while a job runs. */
  onFailure: ((err: CoreError) => void) | null;
  /** Live tensors after its first job: a later job that leaves more is a leak, and ends the worker. */
  baseline: number | null;
}

const idle: PooledWorker[] = [];
let spawned = 0;
let nextJob = 0;

function spawn(backend: BackendName | undefined): Worker {
  // In the bundle this module may sit in a shared chunk one folder below the entries (out/main/chunks).
  for (const bundled of [
    new URL('./train-worker.js', import.meta.url),
    new URL('../train-worker.js', import.meta.url),
  ]) {
    if (bundled.protocol === 'file:' && existsSync(fileURLToPath(bundled))) {
      return new Worker(bundled, { workerData: { backend } });
    }
  }
  const entry = new URL('./train-worker.ts', import.meta.url).href;
  return new Worker(new URL('./train-worker-bootstrap.mjs', import.meta.url), {
    workerData: { backend, entry },
  });
}

function start(backend: BackendName | undefined): PooledWorker {
  const pooled: PooledWorker = {
    worker: spawn(backend),
    backend,
    onMessage: null,
    onFailure: null,
    baseline: null,
  };
  spawned++;
  pooled.worker.on('message', (message: WorkerMessage) => pooled.onMessage?.(message));
  pooled.worker.on('error', (err) => {
    forget(pooled);
    pooled.onFailure?.(new CoreError('INTERNAL', `The training worker failed: ${err.message}`));
  });
  pooled.worker.on('exit', (code) => {
    forget(pooled);
    pooled.onFailure?.(
      new CoreError('INTERNAL', `The training worker stopped unexpectedly (exit code ${code}).`),
    );
  });
  return pooled;
}

function forget(pooled: PooledWorker): void {
  const at = idle.indexOf(pooled);
  if (at >= 0) idle.splice(at, 1);
}

function end(pooled: PooledWorker): void {
  forget(pooled);
  pooled.onMessage = null;
  pooled.onFailure = null;
  void pooled.worker.terminate();
}

function acquire(backend: BackendName | undefined): PooledWorker {
  const at = idle.findIndex((p) => p.backend === backend);
  if (at < 0) return start(backend);
  const [pooled] = idle.splice(at, 1);
  pooled!.worker.ref();
  return pooled!;
}

/** After a job that ended well: kept for the next one, unless it leaked or enough are waiting. */
function keep(pooled: PooledWorker, tensors: number): void {
  pooled.onMessage = null;
  pooled.onFailure = null;
  pooled.baseline ??= tensors;
  if (tensors > pooled.baseline || idle.length >= availableParallelism()) {
    end(pooled);
    return;
  }
  pooled.worker.unref();
  idle.push(pooled);
}

/** Workers started so far and those waiting for a job (tests and benchmarks). */
export function trainingWorkers(): { spawned: number; idle: number } {
  return { spawned, idle: idle.length };
}

/** Ends the workers waiting for a job (a host shutting down; tests). */
export function closeIdleTrainingWorkers(): void {
  for (const pooled of [...idle]) end(pooled);
}

export function trainInWorker(
  input: TrainingInput,
  options: WorkerTrainingOptions = {},
): Promise<TrainingOutcome> {
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(new CoreError('CANCELLED', 'Training was cancelled.'));
  const pooled = acquire(options.backend);
  const job = ++nextJob;
  const post = (message: ParentMessage) => pooled.worker.postMessage(message);
  return new Promise<TrainingOutcome>((resolve, reject) => {
    let settled = false;
    /** `tensors`: the worker's live tensors after a job that ended well; null after a failure. */
    const finish = (fn: () => void, tensors: number | null) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (tensors === null || !options.keepWorker) end(pooled);
      else keep(pooled, tensors);
      fn();
    };
    const onAbort = () => post({ type: 'cancel', job });
    signal?.addEventListener('abort', onAbort, { once: true });
    pooled.onMessage = (message) => {
      if (message.job !== job) return;
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'done') finish(() => resolve(message.outcome), message.tensors);
      else finish(() => reject(CoreError.from(message.error)), null);
    };
    pooled.onFailure = (err) => finish(() => reject(err), null);
    post({ type: 'train', job, input });
  });
}
