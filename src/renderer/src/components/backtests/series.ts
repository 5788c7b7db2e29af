// Chart series of a stored run: equity and drawdown per strategy, weights per asset, colours that
// stay the same for a name across every chart of the page.
import type { BacktestDetail } from '../../../../shared/contract/backtest';
import type { ChartSeries } from '../../chart/series-data';

/** Assets: distinct hues that read on both themes. */
const ASSET_COLORS = ['#4c9aff', '#f0b90b', '#26a69a', '#ab47bc', '#ef5350', '#29b6f6', '#d4e157', '#ff8a65'];
/**
 * Baselines, dashed beside the strategy (drawn in the accent blue): four hues far apart (amber,
 * purple, pink, green) so that no two read as the same line on either theme.
 */
export const BASELINE_COLORS: Record<string, string> = {
  'equal-weight-rebalanced': '#e0a630',
  'equal-weight-buy-and-hold': '#a66bd6',
  'btc-only': '#ec5f8c',
  'cross-sectional-momentum': '#43a047',
};
const FALLBACK = ['#8b95a5', '#29b6f6', '#ff8a65', '#d4e157'];

export function assetColor(index: number): string {
  return ASSET_COLORS[index % ASSET_COLORS.length]!;
}

export function strategyColor(name: string, role: 'strategy' | 'baseline', index = 0): string {
  if (role === 'strategy') return 'var(--accent)';
  return BASELINE_COLORS[name] ?? FALLBACK[index % FALLBACK.length]!;
}

type Series = BacktestDetail['series'][number];

/** Plotted as growth of one unit of capital, so runs of different sizes share an axis. */
function growth(s: Series, times: readonly number[]) {
  const first = s.equity[0] || 1;
  return s.equity.map((e, i) => ({ x: times[i] ?? i, y: e / first - 1 }));
}

export function equitySeries(run: BacktestDetail, label?: (s: Series) => string): ChartSeries[] {
  return orderedSeries(run).map((s, i) => ({
    name: label ? label(s) : s.strategy,
    color: strategyColor(s.strategy, s.role, i),
    points: growth(s, run.times),
    dashed: s.role === 'baseline',
    fill: false,
  }));
}

export function drawdownSeries(run: BacktestDetail): ChartSeries[] {
  return orderedSeries(run).map((s, i) => ({
    name: s.strategy,
    color: strategyColor(s.strategy, s.role, i),
    points: s.drawdown.map((d, k) => ({ x: run.times[k] ?? k, y: -d })),
    dashed: s.role === 'baseline',
    fill: s.role === 'strategy',
  }));
}

/** The strategy under test first, then the baselines in stored order. */
export function orderedSeries(run: BacktestDetail): Series[] {
  return [
    ...run.series.filter((s) => s.role === 'strategy'),
    ...run.series.filter((s) => s.role === 'baseline'),
  ];
}

/** Each asset's weight as held over each bar (a step line: the book changes only at a bar). */
export function weightSeries(run: BacktestDetail, strategy: string): ChartSeries[] {
  const s = run.series.find((r) => r.strategy === strategy);
  if (!s) return [];
  return run.symbols.map((symbol, a) => ({
    name: symbol,
    color: assetColor(a),
    step: true,
    points: s.weights.map((w, k) => ({ x: run.times[k] ?? k, y: w[a] ?? 0 })),
  }));
}
