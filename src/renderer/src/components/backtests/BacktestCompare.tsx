// Two stored runs side by side: their strategies' equity on one chart (baselines on request) and
// their metrics in adjacent columns.
import { useMemo, useState } from 'react';
import type { BacktestDetail } from '../../../../shared/contract/backtest';
import { useBacktestDetail } from '../../api/backtests';
import type { ChartSeries } from '../../chart/series-data';
import { formatDate, formatInterval, formatPercent, formatRatio } from '../../format';
import { MetricsTable, type MetricsColumn } from './MetricsTable';
import { PercentChartPanel, RunFrame } from './RunFrame';
import { equitySeries } from './series';

const RUN_COLORS = ['var(--accent)', 'var(--warn)'];

export interface BacktestCompareProps {
  ids: readonly [string, string];
  onBack: () => void;
  onOpen: (id: string) => void;
}

export function BacktestCompare({ ids, onBack, onOpen }: BacktestCompareProps) {
  const a = useBacktestDetail(ids[0]);
  const b = useBacktestDetail(ids[1]);
  const error = a.error ?? b.error;
  const ready = a.data?.id === ids[0] && b.data?.id === ids[1];
  return (
    <RunFrame
      testId="backtest-compare"
      onBack={onBack}
      error={error}
      ready={ready}
      errorText="Cannot load the runs"
      loadingText="Loading both runs…"
      body={() => <CompareBody runs={[a.data!, b.data!]} onOpen={onOpen} />}
    />
  );
}

function CompareBody({
  runs,
  onOpen,
}: {
  runs: [BacktestDetail, BacktestDetail];
  onOpen: (id: string) => void;
}) {
  const [withBaselines, setWithBaselines] = useState(false);
  const label = (run: BacktestDetail, i: number) => `${String.fromCharCode(65 + i)}: ${run.name}`;

  const series = useMemo<ChartSeries[]>(
    () =>
      runs.flatMap((run, i) =>
        equitySeries(run, (s) =>
          s.role === 'strategy' ? label(run, i) : `${String.fromCharCode(65 + i)}: ${s.strategy}`,
        )
          .filter((s) => withBaselines || !s.dashed)
          .map((s) => (s.dashed ? s : { ...s, color: RUN_COLORS[i]! })),
      ),
    [runs, withBaselines],
  );

  const columns: MetricsColumn[] = runs.flatMap((run, i) =>
    run.metrics
      .filter((m) => m.role === 'strategy' || withBaselines)
      .map((m) => ({
        key: `${i}-${m.strategy}`,
        label: `${String.fromCharCode(65 + i)}: ${m.strategy}`,
        metrics: m.metrics,
        primary: m.role === 'strategy',
      })),
  );

  return (
    <>
      <header className="bt-compare__head">
        {runs.map((run, i) => {
          const m = run.metrics.find((x) => x.role === 'strategy')?.metrics;
          return (
            <button
              key={run.id}
              type="button"
              className="bt-compare__card"
              data-testid="backtest-compare-card"
              onClick={() => onOpen(run.id)}
            >
              <span className="bt-compare__letter">{String.fromCharCode(65 + i)}</span>
              <span className="bt-compare__name">{run.name}</span>
              <span className="bt-run__meta">
                {run.strategy} · {run.symbols.join(', ')} · {formatInterval(run.interval)} ·{' '}
                {formatDate(run.outOfSampleFrom)} → {formatDate(run.outOfSampleTo)}
              </span>
              <span className="bt-mono">
                {formatPercent(m?.totalReturn)} · Sharpe {formatRatio(m?.sharpe)}
              </span>
            </button>
          );
        })}
      </header>
      <CompareWarning runs={runs} />
      <label className="bt-check bt-compare__toggle">
        <input type="checkbox" checked={withBaselines} onChange={(e) => setWithBaselines(e.target.checked)} />
        Show baselines
      </label>
      <div className="bt-run__grid">
        <PercentChartPanel
          title="Equity (growth of 1)"
          series={series}
          height={260}
          testId="backtest-compare-equity"
          wide
        />
        <section className="bt-panel bt-panel--wide">
          <div className="panel-title">Metrics side by side</div>
          <MetricsTable columns={columns} testId="backtest-compare-metrics" />
        </section>
      </div>
    </>
  );
}

/**
 * What makes two runs' figures incomparable: different out-of-sample ranges (a return over three
 * weeks beside one over three months), intervals or symbols. Said above the charts, not hidden.
 */
export function compareProblems(a: BacktestDetail, b: BacktestDetail): string[] {
  const problems: string[] = [];
  if (a.outOfSampleFrom !== b.outOfSampleFrom || a.outOfSampleTo !== b.outOfSampleTo) {
    problems.push(
      `different out-of-sample ranges (A ${formatDate(a.outOfSampleFrom)} → ${formatDate(a.outOfSampleTo)}, ` +
        `B ${formatDate(b.outOfSampleFrom)} → ${formatDate(b.outOfSampleTo)})`,
    );
  }
  if (a.interval !== b.interval)
    problems.push(`different intervals (A ${formatInterval(a.interval)}, B ${formatInterval(b.interval)})`);
  if (a.symbols.join() !== b.symbols.join()) problems.push('different symbols');
  return problems;
}

function CompareWarning({ runs }: { runs: [BacktestDetail, BacktestDetail] }) {
  const problems = compareProblems(runs[0], runs[1]);
  if (problems.length === 0) return null;
  return (
    <div className="bt-compare__warning" role="alert" data-testid="compare-range-warning">
      These runs are not like for like: {problems.join('; ')}. Returns, Sharpe and drawdowns over different
      periods do not compare directly.
    </div>
  );
}
