// The TensorFlow.js backend the model tests run on: vitest's projects set CROSSDESK_TF_BACKEND
// ('wasm' in unit/integration, 'tensorflow' in model-native; see vitest.config.ts). Run alone, a model
// test file uses wasm.
import type { BackendName } from '../../src/shared/domain';

export const TEST_BACKEND: Extract<BackendName, 'tensorflow' | 'wasm'> =
  process.env.CROSSDESK_TF_BACKEND === 'tensorflow' ? 'tensorflow' : 'wasm';
