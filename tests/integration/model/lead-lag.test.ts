// Behaviour on the simulator's synthetic market: with a planted leader the model must find it (the
// attention, the lag profile and the held-out accuracy say so); on a pure random walk it must not find
// anything, which guards against look-ahead in features, windows, targets or the split.
import { beforeAll, describe, expect, it } from 'vitest';
import { alignCandles } from '../../../src/main/core/features/align';
import {
  DEFAULT_MARKET_SPEC,
  generateMarket,
  randomWalkSpec,
  type MarketSpec,
} from '../../../src/main/core/market/simulator/synthetic';
import { initBackend } from '../../../src/main/core/model/backend';
import { prepareDataset } from '../../../src/main/core/model/dataset';
import { trainModel } from '../../../src/main/core/model/trainer';
import { ModelConfigSchema } from '../../../src/shared/contract/model';
import { TEST_BACKEND } from '../../support/model-backend';

// Small enough for CI (about 10 s each on a shared core), large enough to learn the effect.
const config = ModelConfigSchema.parse({
  lookback: 24,
  patchLength: 4,
  dModel: 32,
  heads: 2,
  layers: 1,
  maxLag: 3,
  horizon: 1,
  training: { epochs: 8 },
});

let tick = 0;
const now = () => (tick += 1);

async function train(spec: MarketSpec, seed: number) {
  const data = generateMarket(spec, { seed, interval: '60', startTime: Date.UTC(2025, 0, 1), bars: 3000 });
  const aligned = alignCandles(
    spec.symbols.map((symbol) => ({ symbol, candles: data[symbol]! })),
    '60',
  );
  const dataset = prepareDataset(aligned, config);
  const result = await trainModel(dataset, { config, seed: 1, now });
  result.model.dispose();
  return { symbols: aligned.symbols, metrics: result.metrics };
}

beforeAll(async () => {
  expect(await initBackend(TEST_BACKEND)).toBe(TEST_BACKEND);
});

describe('lead-lag recovery', () => {
  it('followers attend most to the planted leader, the lag profile peaks at its lag, accuracy is well above 50%', async () => {
    const { symbols, metrics } = await train(DEFAULT_MARKET_SPEC, 3);
    const leader = symbols.indexOf('BTCUSDT');
    const plantedLag = DEFAULT_MARKET_SPEC.followers[0]!.lag;
    for (const follower of DEFAULT_MARKET_SPEC.followers) {
      const row = metrics.meanAttention[symbols.indexOf(follower.symbol)]!;
      expect(row.indexOf(Math.max(...row)), `${follower.symbol} attends to ${JSON.stringify(row)}`).toBe(
        leader,
      );
    }
    // lagWeights[i] is lag i + 1 (bars from the key's bar to the predicted bar).
    const peak = metrics.lagWeights.indexOf(Math.max(...metrics.lagWeights)) + 1;
    expect(peak, `lag weights ${JSON.stringify(metrics.lagWeights)}`).toBe(plantedLag);
    // Four of five assets are predictable (R² about 0.5), the leader is not: ~70% overall.
    expect(metrics.directionAccuracy).toBeGreaterThan(0.62);
  });
});

describe('look-ahead guard', () => {
  it('on a pure random walk, held-out direction accuracy is not significantly above 50%', async () => {
    const { metrics } = await train(randomWalkSpec(DEFAULT_MARKET_SPEC.symbols), 4);
    // One-sided binomial test at 1%: up/down outcomes of independent walks are fair coins.
    const decided = metrics.validationSamples * 5 * 0.85; // flat outcomes (dead band) are excluded; lower bound
    const threshold = 0.5 + 2.33 * Math.sqrt(0.25 / decided);
    expect(metrics.directionAccuracy).toBeLessThan(threshold);
    expect(metrics.directionAccuracy).toBeGreaterThan(0.44);
  });
});
