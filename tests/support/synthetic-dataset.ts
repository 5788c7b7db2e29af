// A training data set over the project's synthetic market (the default five assets, hourly): what the
// model tests and benchmarks train and predict on where the result does not depend on the real market.
import { alignCandles } from '../../src/main/core/features/align';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { prepareDataset, type Dataset } from '../../src/main/core/model/dataset';
import type { ModelConfig } from '../../src/shared/contract/model';

export function syntheticDataset(
  config: ModelConfig,
  market: { seed: number; bars: number; startTime: number },
): Dataset {
  const candles = generateMarket(DEFAULT_MARKET_SPEC, { ...market, interval: '60' });
  const aligned = alignCandles(
    DEFAULT_MARKET_SPEC.symbols.map((symbol) => ({ symbol, candles: candles[symbol]! })),
    '60',
  );
  return prepareDataset(aligned, config);
}
