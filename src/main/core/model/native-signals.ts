// Keeping signals out of TensorFlow's kernels. oneDNN's generated float GEMM kernels in TensorFlow 2.21
// (behind every MatMul) point the stack register at heap memory while they run: a signal handled there
// writes its frame onto the heap, which is then corrupt (native/signals.cc has the details). Any
// handled signal does it: a terminal's resize, Ctrl+C at the wrong moment, a profiler's sampling.
//
// So, once the native backend is up in a thread:
// - a worker thread (training workers, the hosts' core thread) blocks the asynchronous signals for
//   good; the process's own signals then go to the main thread, whose event loop handles them;
// - the main thread (the CLI's core, tests, benchmarks) must keep them, so each eager op holds them
//   for its length (about a microsecond more an op), as each graph run does in the addon.
// Both need the graph addon; with tfjs-node's own install (no addon) nothing is blocked.
import { isMainThread } from 'node:worker_threads';
import { graphAddon } from './graph/addon';
import { nativeBackend, type NativeBackendInternals } from './graph/trace';

/** The backends whose binding already holds the signals (setBackend may run again in a thread). */
const guarded = new WeakSet<NativeBackendInternals>();

/** Call once the tensorflow backend is set, before its first op. */
export function keepSignalsOutOfKernels(): void {
  const addon = graphAddon();
  if (!addon?.blockAsyncSignals || !addon.holdAsyncSignals) return;
  if (!isMainThread) {
    addon.blockAsyncSignals();
    return;
  }
  const backend = nativeBackend();
  if (guarded.has(backend)) return;
  guarded.add(backend);
  const { binding } = backend;
  const hold = addon.holdAsyncSignals.bind(addon);
  // The binding's own properties are read-only: the backend gets a stand-in whose executeOp holds
  // the signals, with everything else through its prototype (graph/trace.ts records through it too).
  const holding: typeof binding = Object.create(binding);
  Object.defineProperty(holding, 'executeOp', {
    enumerable: true,
    value: (...args: Parameters<typeof binding.executeOp>) => {
      hold(true);
      try {
        return binding.executeOp(...args);
      } finally {
        hold(false);
      }
    },
  });
  backend.binding = holding;
}
