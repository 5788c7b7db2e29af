// Performance metrics side by side: one column per strategy (the run's strategy and its baselines,
// or the strategies of two compared runs), one row per figure. Definitions: trading/metrics.ts and
// trading/statistics.ts (intervals, IC). CAGR and Calmar are left out for runs shorter than a year.
import type { PerformanceMetricsDto } from '../../../../shared/contract/backtest';
import {
  formatCount,
  formatDuration,
  formatMoney,
  formatPercent,
  formatRatio,
  formatWithInterval,
  signClass,
} from '../../format';

export interface MetricsColumn {
  key: string;
  label: string;
  metrics: PerformanceMetricsDto;
  /** The strategy under test: emphasised. */
  primary?: boolean;
}

interface Row {
  key: string;
  label: string;
  show: (m: PerformanceMetricsDto) => string;
  /** Colour by sign (returns). */
  signed?: (m: PerformanceMetricsDto) => number | null;
  /** Annualised by compounding: meaningless for runs shorter than a year, so not shown for them. */
  yearOrLonger?: boolean;
  /** Shown only when some column has it. */
  optional?: (m: PerformanceMetricsDto) => boolean;
}

const hasForecast = (m: PerformanceMetricsDto) => m.forecast !== undefined;

const ROWS: Row[] = [
  {
    key: 'totalReturn',
    label: 'Total return',
    show: (m) => formatPercent(m.totalReturn),
    signed: (m) => m.totalReturn,
  },
  {
    key: 'cagr',
    label: 'CAGR',
    show: (m) => formatPercent(m.cagr),
    signed: (m) => m.cagr,
    yearOrLonger: true,
  },
  { key: 'volatility', label: 'Volatility (ann.)', show: (m) => formatPercent(m.volatility, false) },
  {
    key: 'sharpe',
    label: 'Sharpe [95% CI]',
    show: (m) => formatWithInterval(m.sharpe, m.sharpeInterval),
    signed: (m) => m.sharpe,
  },
  {
    key: 'sharpeVsBestBaseline',
    label: 'Sharpe − best baseline [95% CI]',
    show: (m) =>
      m.sharpeVsBestBaseline
        ? `${formatWithInterval(m.sharpeVsBestBaseline.difference, m.sharpeVsBestBaseline)} vs ${m.sharpeVsBestBaseline.baseline}`
        : '—',
    signed: (m) => m.sharpeVsBestBaseline?.difference ?? null,
    optional: (m) => m.sharpeVsBestBaseline !== undefined,
  },
  { key: 'sortino', label: 'Sortino', show: (m) => formatRatio(m.sortino), signed: (m) => m.sortino },
  { key: 'calmar', label: 'Calmar', show: (m) => formatRatio(m.calmar), yearOrLonger: true },
  { key: 'maxDrawdown', label: 'Max drawdown', show: (m) => formatPercent(m.maxDrawdown, false) },
  { key: 'maxDrawdownMs', label: 'Longest drawdown', show: (m) => formatDuration(m.maxDrawdownMs) },
  { key: 'winRate', label: 'Win rate (bars)', show: (m) => formatPercent(m.winRate, false) },
  { key: 'turnover', label: 'Turnover', show: (m) => formatRatio(m.turnover, 1) },
  { key: 'annualTurnover', label: 'Turnover (ann.)', show: (m) => formatRatio(m.annualTurnover, 1) },
  { key: 'feesPaid', label: 'Fees paid', show: (m) => formatMoney(m.feesPaid) },
  { key: 'feesFraction', label: 'Fees / capital', show: (m) => formatPercent(m.feesFraction, false) },
  // Runs stored before funding was modelled have no figure: a dash, not a zero.
  { key: 'fundingPaid', label: 'Funding paid', show: (m) => formatMoney(m.fundingPaid) },
  {
    key: 'fundingFraction',
    label: 'Funding / capital',
    show: (m) => formatPercent(m.fundingFraction, false),
  },
  { key: 'exposure', label: 'Mean gross exposure', show: (m) => formatRatio(m.exposure) },
  { key: 'timeInMarket', label: 'Time in market', show: (m) => formatPercent(m.timeInMarket, false) },
  {
    key: 'hitRate',
    label: 'Forecast hit rate',
    show: (m) => formatPercent(m.forecast?.hitRate, false),
    optional: hasForecast,
  },
  {
    key: 'ic',
    label: 'IC (mean, per bar)',
    show: (m) => formatRatio(m.forecast?.ic?.mean ?? m.forecast?.informationCoefficient, 3),
    optional: hasForecast,
  },
  {
    key: 'rankIc',
    label: 'Rank IC (mean, per bar)',
    show: (m) => formatRatio(m.forecast?.rankIc?.mean, 3),
    optional: hasForecast,
  },
  {
    key: 'rankIcT',
    label: 'Rank IC t-stat',
    show: (m) => formatRatio(m.forecast?.rankIc?.tStat, 2),
    optional: hasForecast,
  },
  {
    key: 'rankIcir',
    label: 'Rank ICIR (mean / std)',
    show: (m) => formatRatio(m.forecast?.rankIc?.icir, 3),
    optional: hasForecast,
  },
  { key: 'bars', label: 'Bars', show: (m) => formatCount(m.bars) },
];

export function MetricsTable({ columns, testId }: { columns: readonly MetricsColumn[]; testId?: string }) {
  const anyYear = columns.some((c) => c.metrics.years >= 1);
  const rows = ROWS.filter(
    (r) => (!r.optional || columns.some((c) => r.optional!(c.metrics))) && (!r.yearOrLonger || anyYear),
  );
  return (
    <div className="bt-table-wrap">
      <table className="bt-table bt-metrics" data-testid={testId}>
        <thead>
          <tr>
            <th>Metric</th>
            {columns.map((c) => (
              <th key={c.key} className={`is-numeric${c.primary ? ' is-primary' : ''}`} data-column={c.key}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-metric={row.key}>
              <th scope="row">{row.label}</th>
              {columns.map((c) => (
                <td
                  key={c.key}
                  className={`is-numeric${c.primary ? ' is-primary' : ''} ${row.signed ? signClass(row.signed(c.metrics)) : ''}`}
                  data-column={c.key}
                >
                  {row.yearOrLonger && c.metrics.years < 1 ? '—' : row.show(c.metrics)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
