// How many threads of this process may run TensorFlow natively, and with how many threads each.
//
// tfjs-node's binding keeps op attribute names in one process-wide set without a lock, so two threads
// running native ops at once corrupt it (wrong attribute names reach TensorFlow, or the heap breaks).
// `npm run setup:native` builds the binding with a lock (scripts/native-patches.mjs) and leaves a marker
// beside it; only a binding with that marker may serve two training threads at once. A binding from
// tfjs-node's own install has no marker: there native work stays on one thread at a time.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { hasAllPatches } from '../../../../scripts/native-patches.mjs';

let cached: boolean | null = null;

/**
 * The directories of tfjs-node's built binding (lib/napi-v8 for this version), where setup:native
 * also leaves its marker and the graph addon; none without tfjs-node.
 */
export function bindingDirectories(): string[] {
  try {
    const require = createRequire(import.meta.url);
    const lib = join(dirname(require.resolve('@tensorflow/tfjs-node/package.json')), 'lib');
    return existsSync(lib) ? readdirSync(lib).map((dir) => join(lib, dir)) : [];
  } catch {
    return [];
  }
}

/** Whether the installed tfjs-node binding was built with the thread-safety patch (its marker, lib/napi-v*). */
export function nativeBindingThreadSafe(): boolean {
  cached ??= bindingDirectories().some((dir) => hasAllPatches(dir));
  return cached;
}

/**
 * TensorFlow's intra-op threads per context (each thread that loads tfjs-node has its own), set before
 * the binding loads unless the user set TF_NUM_INTRAOP_THREADS. One: the default model's ops are
 * small, and a pool of two spends more on handing work over than it gains (bench model-train, batch
 * 32: 614 samples/s with one thread against 444 with the default two); the second core is then free
 * for a second training (walk-forward folds fitted two at a time) or the decisions. Must run on the
 * process's main thread (the hosts call it before starting the core's thread): in a worker thread
 * process.env is a copy that native code does not see.
 */
export function configureNativeThreads(): void {
  process.env.TF_NUM_INTRAOP_THREADS ??= '1';
}

/**
 * Trainings that may run at once on `backend`: two where the native binding is thread-safe and there
 * are two cores (each training then runs on one core: the intra-op pool of one above), else one. On
 * wasm a training already uses both cores (training.workers 2: a replica thread splits each batch).
 */
export function concurrentTrainings(backend: string): number {
  return backend === 'tensorflow' && nativeBindingThreadSafe() && availableParallelism() >= 2 ? 2 : 1;
}
