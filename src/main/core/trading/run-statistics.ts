// Attaches the honest statistics (statistics.ts) to a finished backtest's metrics: every lane's Sharpe
// interval, the strategy's Sharpe difference against the best baseline (paired), and its forecasts'
// IC and rank IC per decision bar.
import type { ForecastOutcome, PerformanceMetrics } from './metrics';
import {
  barReturns,
  informationCoefficients,
  sharpeDifferenceInterval,
  sharpeInterval,
  type BootstrapOptions,
} from './statistics';

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

interface Lane {
  name: string;
  role: 'strategy' | 'baseline';
  equity: ArrayLike<number>;
  metrics: PerformanceMetrics;
}

/** Bootstrap settings for a bar length: annualised on 365 days, mean block of one day of bars. */
export function bootstrapOptionsFor(barMs: number): BootstrapOptions {
  return { periodsPerYear: YEAR_MS / barMs, meanBlock: Math.max(1, Math.round(DAY_MS / barMs)) };
}

export function runStatistics(
  lanes: readonly Lane[],
  outcomes: readonly ForecastOutcome[],
  barMs: number,
): void {
  const options = bootstrapOptionsFor(barMs);
  const returns = new Map(lanes.map((l) => [l, barReturns(l.equity)]));
  for (const lane of lanes) {
    const interval = sharpeInterval(returns.get(lane)!, options);
    lane.metrics.sharpeInterval = { low: interval.low, high: interval.high };
  }
  const baselines = lanes.filter((l) => l.role === 'baseline');
  const best = baselines.reduce<Lane | null>(
    (top, l) =>
      l.metrics.sharpe !== null && (top === null || l.metrics.sharpe > (top.metrics.sharpe ?? -Infinity))
        ? l
        : top,
    null,
  );
  for (const lane of lanes) {
    if (lane.role !== 'strategy') continue;
    if (best) {
      const d = sharpeDifferenceInterval(returns.get(lane)!, returns.get(best)!, options);
      lane.metrics.sharpeVsBestBaseline = {
        baseline: best.name,
        difference: d.estimate,
        low: d.low,
        high: d.high,
      };
    }
    if (lane.metrics.forecast && outcomes.length > 0) {
      const { ic, rankIc } = informationCoefficients(outcomes);
      lane.metrics.forecast.ic = ic;
      lane.metrics.forecast.rankIc = rankIc;
    }
  }
}
