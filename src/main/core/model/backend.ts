// The TensorFlow.js backend ladder: the native binding (@tensorflow/tfjs-node, an optional dependency
// that only exists where libtensorflow could be downloaded) → WebAssembly with SIMD → the pure-JS cpu
// backend. Whichever loads is reported in the status bar. Every model file uses the `tf` exported here
// so that all code shares one engine.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../../../shared/domain';
import { registerNativeKernels } from './native-kernels';
import { keepSignalsOutOfKernels } from './native-signals';
import { configureNativeThreads } from './native-threads';

export { tf };

let current: BackendName = 'none';
let pending: Promise<BackendName> | null = null;
let pendingPreference: BackendName | undefined;

/** The backend in use, or 'none' before initBackend() has finished. */
export function currentBackend(): BackendName {
  return current;
}

/**
 * Directory of the wasm binaries. Resolved through the package (not relative to this file) so that it
 * also works when the main process is bundled by electron-vite and node_modules sits elsewhere.
 */
function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  return join(dirname(entry), '/');
}

async function tryNative(): Promise<boolean> {
  try {
    // TensorFlow's C++ start-up notes (oneDNN, CPU features) are not the user's concern.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
    configureNativeThreads();
    // A variable specifier: the package is optional (`npm run setup:native` builds it where its own
    // install cannot download libtensorflow) and must not be bundled.
    const name = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ name);
    registerNativeKernels();
    if (!(await tf.setBackend('tensorflow'))) return false;
    keepSignalsOutOfKernels();
    return true;
  } catch {
    return false;
  }
}

/**
 * wasm's Identity copies its input. The engine calls it for every tensor a taped kernel or custom gradient
 * saves for the backward pass (about 400 copies per training step of the default model, ~35 µs for a
 * [1120, 64] tensor), and for tf.clone. The cpu and webgl backends instead share the buffer and count a
 * reference, as wasm's own Reshape does: the same here (strings keep the copying kernel). Saved tensors
 * are never written in place, so sharing cannot change a value.
 */
function shareWasmIdentity(): void {
  const copying = tf.getKernel('Identity', 'wasm');
  if (!copying || (copying as { crossdeskShared?: boolean }).crossdeskShared) return;
  tf.unregisterKernel('Identity', 'wasm');
  const shared: tf.KernelConfig & { crossdeskShared: boolean } = {
    kernelName: 'Identity',
    backendName: 'wasm',
    crossdeskShared: true,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return copying.kernelFunc(args);
      (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
  tf.registerKernel(shared);
}

async function tryWasm(): Promise<boolean> {
  try {
    setWasmPaths(wasmDirectory());
    shareWasmIdentity();
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

async function tryCpu(): Promise<boolean> {
  try {
    return await tf.setBackend('cpu');
  } catch {
    return false;
  }
}

async function climb(preferred?: BackendName): Promise<BackendName> {
  const ladder: Array<[Exclude<BackendName, 'none'>, () => Promise<boolean>]> = [
    ['tensorflow', tryNative],
    ['wasm', tryWasm],
    ['cpu', tryCpu],
  ];
  // A preference starts the ladder lower (tests pin 'cpu' or 'wasm'); failures still fall down it.
  const start = preferred && preferred !== 'none' ? ladder.findIndex(([name]) => name === preferred) : 0;
  for (const [name, attempt] of ladder.slice(Math.max(0, start))) {
    if (await attempt()) {
      await tf.ready();
      return name;
    }
  }
  return 'none';
}

/**
 * Selects and initialises the best available backend (or `preferred` and below). Idempotent; calling
 * again with a different preference switches backends (tensors of the old backend become unusable).
 */
export async function initBackend(preferred?: BackendName): Promise<BackendName> {
  if (pending && pendingPreference === preferred) return pending;
  pendingPreference = preferred;
  pending = climb(preferred).then((name) => {
    current = name;
    return name;
  });
  return pending;
}
