// The library of stored runs: one row per run with the strategy's headline metrics. A header click
// sorts by that column (again: the other way); ticking two rows offers the comparison.
import { useMemo, useState } from 'react';
import type { BacktestSummary, PerformanceMetricsDto } from '../../../../shared/contract/backtest';
import {
  baseAsset,
  formatDate,
  formatDateTime,
  formatInterval,
  formatPercent,
  formatRatio,
  signClass,
} from '../../format';

type SortKey =
  'name' | 'symbols' | 'interval' | 'range' | 'totalReturn' | 'sharpe' | 'maxDrawdown' | 'created';

interface Column {
  key: SortKey;
  label: string;
  numeric?: boolean;
  value: (run: BacktestSummary) => number | string;
}

export function strategyMetrics(run: BacktestSummary): PerformanceMetricsDto | undefined {
  return run.metrics.find((m) => m.role === 'strategy')?.metrics;
}

/** Missing ratios sort last whichever the direction. */
const missing = Number.NEGATIVE_INFINITY;

const COLUMNS: Column[] = [
  { key: 'name', label: 'Run', value: (r) => r.name.toLowerCase() },
  { key: 'symbols', label: 'Symbols', value: (r) => r.symbols.join(',') },
  { key: 'interval', label: 'Int', value: (r) => r.interval },
  { key: 'range', label: 'Out of sample', value: (r) => r.outOfSampleFrom },
  {
    key: 'totalReturn',
    label: 'Return',
    numeric: true,
    value: (r) => strategyMetrics(r)?.totalReturn ?? missing,
  },
  { key: 'sharpe', label: 'Sharpe', numeric: true, value: (r) => strategyMetrics(r)?.sharpe ?? missing },
  {
    key: 'maxDrawdown',
    label: 'Max DD',
    numeric: true,
    value: (r) => strategyMetrics(r)?.maxDrawdown ?? missing,
  },
  { key: 'created', label: 'Created', numeric: true, value: (r) => r.createdAt },
];

export interface BacktestLibraryProps {
  runs: readonly BacktestSummary[];
  selected: readonly string[];
  highlight: string | null;
  onToggle: (id: string) => void;
  onOpen: (id: string) => void;
  onCompare: () => void;
}

export function BacktestLibrary({
  runs,
  selected,
  highlight,
  onToggle,
  onOpen,
  onCompare,
}: BacktestLibraryProps) {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({
    key: 'created',
    descending: true,
  });
  const sorted = useMemo(() => {
    const column = COLUMNS.find((c) => c.key === sort.key)!;
    const list = [...runs];
    list.sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      if (x === y) return b.createdAt - a.createdAt;
      if (x === missing) return 1;
      if (y === missing) return -1;
      const order = x < y ? -1 : 1;
      return sort.descending ? -order : order;
    });
    return list;
  }, [runs, sort]);

  const sortBy = (key: SortKey) =>
    setSort((s) =>
      s.key === key ? { key, descending: !s.descending } : { key, descending: key !== 'name' },
    );

  return (
    <section className="bt-library" data-testid="backtest-library" data-count={runs.length}>
      <div className="bt-library__head">
        <span className="bt-library__title">Library · {runs.length} runs</span>
        <span className="bt-library__hint">
          {selected.length === 2 ? 'Two runs ticked' : 'Tick two runs to compare them'}
        </span>
        <button
          type="button"
          className="bt-button"
          data-testid="backtest-compare-button"
          disabled={selected.length !== 2}
          onClick={onCompare}
        >
          Compare
        </button>
      </div>
      {runs.length === 0 ? (
        <div className="view-message">No stored backtests yet: run one with the form.</div>
      ) : (
        <div className="bt-table-wrap">
          <table className="bt-table">
            <thead>
              <tr>
                <th className="bt-table__check" aria-label="Compare" />
                {COLUMNS.map((c) => (
                  <th
                    key={c.key}
                    className={c.numeric ? 'is-numeric' : undefined}
                    aria-sort={sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                  >
                    <button type="button" className="bt-sort" data-sort={c.key} onClick={() => sortBy(c.key)}>
                      {c.label}
                      <span className="bt-sort__mark">
                        {sort.key === c.key ? (sort.descending ? '▼' : '▲') : ''}
                      </span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.map((run) => {
                const m = strategyMetrics(run);
                return (
                  <tr
                    key={run.id}
                    className={`bt-table__row${run.id === highlight ? ' is-new' : ''}`}
                    data-testid="backtest-row"
                    data-id={run.id}
                    onClick={() => onOpen(run.id)}
                  >
                    <td className="bt-table__check" onClick={(e) => e.stopPropagation()}>
                      <input
                        type="checkbox"
                        aria-label={`Compare ${run.name}`}
                        checked={selected.includes(run.id)}
                        onChange={() => onToggle(run.id)}
                      />
                    </td>
                    <td>
                      <button type="button" className="bt-link bt-table__name" data-testid="backtest-open">
                        {run.name}
                      </button>
                      <span className="bt-table__strategy">{run.strategy}</span>
                    </td>
                    <td className="bt-table__symbols" title={run.symbols.join(', ')}>
                      {run.symbols.map(baseAsset).join(' ')}
                    </td>
                    <td>{formatInterval(run.interval)}</td>
                    <td className="bt-table__mono">
                      {formatDate(run.outOfSampleFrom)} → {formatDate(run.outOfSampleTo)}
                    </td>
                    <td className={`is-numeric ${signClass(m?.totalReturn)}`} data-metric="totalReturn">
                      {formatPercent(m?.totalReturn)}
                    </td>
                    <td className="is-numeric" data-metric="sharpe">
                      {formatRatio(m?.sharpe)}
                    </td>
                    <td className="is-numeric" data-metric="maxDrawdown">
                      {formatPercent(m?.maxDrawdown, false)}
                    </td>
                    <td className="is-numeric">{formatDateTime(run.createdAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
