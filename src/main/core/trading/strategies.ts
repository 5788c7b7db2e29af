// Strategies by name, for paper trading (and the baselines of backtests): built from the stored history
// before the first trade, with whatever they fitted kept as plain JSON so that a restart rebuilds the
// very same strategy instead of refitting on data that may have changed since.
import type { BacktestStrategyName } from '../../../shared/contract/backtest';
import type { Interval } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import {
  crossSectionalMomentum,
  equalWeightBuyAndHold,
  equalWeightRebalanced,
  singleAsset,
} from './baselines';
import { fitCoefficients, linearLeadLagStrategy, DEFAULT_LINEAR_LEAD_LAG } from './linear-lead-lag';
import type { MarketData } from './market-data';
import type { Strategy } from './types';

export interface BuiltStrategy {
  strategy: Strategy;
  modelId: string | null;
  /** What to pass back as `saved` to rebuild the same strategy after a restart. */
  saved: unknown;
}

/** A model-backed strategy, provided by the model domain: the active model, or a saved one by id. */
export type ModelStrategyProvider = (request: {
  symbols: string[];
  interval: Interval;
  history: MarketData;
  modelId: string | null;
}) => Promise<{ strategy: Strategy; modelId: string }> | { strategy: Strategy; modelId: string } | null;

export function baselineStrategy(name: string, symbols: readonly string[]): Strategy | null {
  switch (name) {
    case 'equal-weight-rebalanced':
      return equalWeightRebalanced();
    case 'equal-weight-buy-and-hold':
      return equalWeightBuyAndHold();
    case 'btc-only':
      return singleAsset(symbols.includes('BTCUSDT') ? 'BTCUSDT' : symbols[0]);
    case 'cross-sectional-momentum':
      return crossSectionalMomentum();
    default:
      return null;
  }
}

/**
 * Builds `name` from `history` (the stored bars before the first trade; the last `trainBars` are used
 * for fitting), or from `saved` when resuming.
 */
export async function buildStrategy(
  name: BacktestStrategyName,
  options: {
    symbols: string[];
    interval: Interval;
    history: MarketData;
    trainBars: number;
    saved?: unknown;
    savedModelId?: string | null;
    model?: ModelStrategyProvider;
  },
): Promise<BuiltStrategy> {
  const baseline = baselineStrategy(name, options.symbols);
  if (baseline) return { strategy: baseline, modelId: null, saved: null };
  if (name === 'linear-lead-lag') {
    const saved = options.saved as { coefficients?: number[][] } | null | undefined;
    let coefficients = saved?.coefficients;
    if (!coefficients) {
      const bars = options.history.times.length;
      if (bars < 50) {
        throw new CoreError(
          'DATA_INCOMPLETE',
          `The linear lead-lag strategy fits on stored history, but only ${bars} common bars of ${options.symbols.join(', ')} ` +
            'are stored. Backfill some history first.',
        );
      }
      coefficients = fitCoefficients(
        options.history,
        Math.max(0, bars - options.trainBars),
        bars - 1,
        DEFAULT_LINEAR_LEAD_LAG.lags,
        DEFAULT_LINEAR_LEAD_LAG.ridge,
      );
    }
    return { strategy: linearLeadLagStrategy(coefficients), modelId: null, saved: { coefficients } };
  }
  const built = await options.model?.({
    symbols: options.symbols,
    interval: options.interval,
    history: options.history,
    modelId: options.savedModelId ?? null,
  });
  if (!built) {
    throw new CoreError(
      'INVALID_PARAMS',
      "No trained attention model is available for these symbols; train one, or choose another strategy (e.g. 'linear-lead-lag').",
    );
  }
  return { strategy: built.strategy, modelId: built.modelId, saved: null };
}
