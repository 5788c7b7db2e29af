// Shared set-up for the model tests: small configurations and synthetic inputs.
import {
  ModelConfigSchema,
  type ModelConfig,
  type ModelConfigInput,
} from '../../../src/shared/contract/model';
import { tf } from '../../../src/main/core/model/backend';
import { seededRandom } from '../../../src/main/core/model/params';

export const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'AVAXUSDT', 'DOTUSDT'];

export function smallConfig(overrides: ModelConfigInput = {}): ModelConfig {
  return ModelConfigSchema.parse({
    lookback: 24,
    patchLength: 4,
    dModel: 16,
    heads: 2,
    layers: 2,
    maxLag: 3,
    ...overrides,
  });
}

export function randomInput(
  samples: number,
  config: ModelConfig,
  seed = 1,
  assets = SYMBOLS.length,
): tf.Tensor4D {
  const random = seededRandom(seed);
  const size = samples * assets * config.lookback * config.features.length;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = random() * 2 - 1;
  return tf.tensor4d(values, [samples, assets, config.lookback, config.features.length]);
}
