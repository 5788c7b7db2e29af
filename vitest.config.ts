import { defineConfig } from 'vitest/config';
import { checkNative } from './scripts/native-check.mjs';

// Unit and integration tests run in Node against real SQLite files and the project's own simulator on
// 127.0.0.1. The e2e project drives Debian's Chromium against the headless host.
//
// The model's tests run on both TensorFlow.js backends: on wasm in the unit and integration projects,
// and again on the native binding (@tensorflow/tfjs-node, built by `npm run setup:native`) in the
// model-native project, with the backend parity test. Tests read the backend from
// CROSSDESK_TF_BACKEND (tests/support/model-backend.ts). Where the native binding does not load, the
// native project is left out with a warning; in CI (CI=true) that is an error instead.
const MODEL_TESTS = [
  'tests/unit/model/layers.test.ts',
  'tests/unit/model/training.test.ts',
  'tests/integration/model/**/*.test.ts',
  'tests/integration/backtest-model.test.ts',
];

function nativeProject() {
  const native = checkNative(process.cwd());
  if (!native.ok) {
    const message =
      `The native TensorFlow backend does not load (${native.detail}): ` +
      'the model tests on tensorflow and the backend parity test are NOT run. `npm run setup:native` builds it.';
    if (process.env.CI === 'true') throw new Error(`[vitest] ${message}`);
    process.stderr.write(`\n[vitest] SKIPPED: ${message}\n\n`);
    return [];
  }
  return [
    {
      test: {
        name: 'model-native',
        include: [...MODEL_TESTS, 'tests/native/**/*.test.ts'],
        environment: 'node',
        // Files run in parallel, one TensorFlow thread each: its intra-op pool on every file's process
        // oversubscribes the cores (the pools spin while they wait for work).
        env: {
          CROSSDESK_TF_BACKEND: 'tensorflow',
          TF_CPP_MIN_LOG_LEVEL: '2',
          TF_NUM_INTRAOP_THREADS: '1',
          TF_NUM_INTEROP_THREADS: '1',
        },
        // Small models are dispatch-bound, and native dispatch costs more per op than wasm's.
        testTimeout: 300_000,
        hookTimeout: 60_000,
      },
    },
  ];
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          env: { CROSSDESK_TF_BACKEND: 'wasm' },
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          env: { CROSSDESK_TF_BACKEND: 'wasm' },
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
      ...nativeProject(),
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
