// One stored run, read back from the database: equity against every baseline, drawdown, weights over
// time, attention (model runs), metrics side by side, fills, and the walk-forward folds.
import { useMemo, useState } from 'react';
import type { BacktestDetail } from '../../../../shared/contract/backtest';
import { useBacktestDetail } from '../../api/backtests';
import { formatDateTime, formatInterval, formatPercent, formatWithInterval } from '../../format';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';
import { AttentionPanel } from './AttentionPanel';
import { FillsTable } from './FillsTable';
import { MarketRulesNote } from './MarketRulesNote';
import { MetricsTable, type MetricsColumn } from './MetricsTable';
import { RunActions } from './RunActions';
import { PercentChartPanel, RunFrame } from './RunFrame';
import { drawdownSeries, equitySeries, orderedSeries, weightSeries } from './series';

export interface BacktestRunPageProps {
  runId: string;
  onBack: () => void;
  onDeleted: () => void;
}

export function BacktestRunPage({ runId, onBack, onDeleted }: BacktestRunPageProps) {
  const { data, error } = useBacktestDetail(runId);
  return (
    <RunFrame
      testId="backtest-run"
      runId={runId}
      onBack={onBack}
      backTestId="backtest-back"
      actions={data && <RunActions runId={runId} onDeleted={onDeleted} />}
      error={error}
      ready={data?.id === runId}
      errorText="Cannot load the run"
      loadingText="Loading the run…"
      body={() => <RunBody run={data!} />}
    />
  );
}

function RunBody({ run }: { run: BacktestDetail }) {
  const ordered = useMemo(() => orderedSeries(run), [run]);
  const [weightsOf, setWeightsOf] = useState(ordered[0]?.strategy ?? '');
  const equity = useMemo(() => equitySeries(run), [run]);
  const drawdown = useMemo(() => drawdownSeries(run), [run]);
  const weights = useMemo(() => weightSeries(run, weightsOf), [run, weightsOf]);
  const columns: MetricsColumn[] = ordered.flatMap((s) => {
    const m = run.metrics.find((x) => x.strategy === s.strategy);
    return m
      ? [{ key: s.strategy, label: s.strategy, metrics: m.metrics, primary: s.role === 'strategy' }]
      : [];
  });
  const headline = run.metrics.find((m) => m.role === 'strategy')?.metrics;
  const weightsFrom = (run.params['model'] as { weightsFrom?: string } | null | undefined)?.weightsFrom;

  return (
    <>
      <header className="bt-run__head">
        {run.feed === 'simulator' && (
          <div className="bt-run__banner" role="note" data-testid="backtest-synthetic-banner">
            synthetic market, accelerated clock: figures say nothing about real markets
          </div>
        )}
        <h2 className="bt-run__name">{run.name}</h2>
        <span className="bt-run__meta">
          {run.strategy} · {run.symbols.join(', ')} · {formatInterval(run.interval)} · {run.feed}
          {run.strategy === 'model' && (
            <span data-testid="backtest-weights-from">
              {' '}
              · weights from the {weightsFrom === 'portfolio-head' ? 'portfolio head' : 'return head'}
            </span>
          )}
        </span>
        <span className="bt-run__meta bt-mono">
          out of sample {formatDateTime(run.outOfSampleFrom)} → {formatDateTime(run.outOfSampleTo)} ·{' '}
          {run.bars} bars · {run.folds} folds
        </span>
        {headline && (
          <span className="bt-run__headline bt-mono" data-testid="backtest-headline">
            return {formatPercent(headline.totalReturn)} · Sharpe{' '}
            {formatWithInterval(headline.sharpe, headline.sharpeInterval)} · max DD{' '}
            {formatPercent(headline.maxDrawdown, false)}
          </span>
        )}
        <MarketRulesNote rules={run.marketRules} />
      </header>
      <div className="bt-run__grid">
        <PercentChartPanel
          title="Equity: strategy against every baseline (growth of 1)"
          series={equity}
          height={240}
          testId="backtest-equity"
          wide
        />
        <PercentChartPanel title="Drawdown" series={drawdown} height={170} testId="backtest-drawdown" />
        <section className="bt-panel">
          <div className="panel-title bt-panel__title-row">
            <span>Weights over time</span>
            <select
              className="bt-input bt-input--small"
              aria-label="Weights of"
              value={weightsOf}
              onChange={(e) => setWeightsOf(e.target.value)}
            >
              {ordered.map((s) => (
                <option key={s.strategy} value={s.strategy}>
                  {s.strategy}
                </option>
              ))}
            </select>
          </div>
          <TimeSeriesChart
            series={weights}
            height={170}
            testId="backtest-weights"
            formatValue={(y) => formatPercent(y)}
            includeZero
          />
        </section>
        <section className="bt-panel bt-panel--wide">
          <div className="panel-title">Metrics: strategy and baselines</div>
          <MetricsTable columns={columns} testId="backtest-metrics" />
        </section>
        <section className="bt-panel bt-panel--wide">
          <div className="panel-title">Attention over time</div>
          <AttentionPanel run={run} />
        </section>
        <section className="bt-panel bt-panel--wide">
          <div className="panel-title">Fills and funding</div>
          <FillsTable
            runId={run.id}
            strategies={ordered.map((s) => s.strategy)}
            fillCounts={run.fillCounts}
            fundingNotes={run.marketRules?.notes}
          />
        </section>
        <section className="bt-panel bt-panel--wide">
          <div className="panel-title">Walk-forward folds</div>
          <FoldsTable run={run} />
        </section>
      </div>
    </>
  );
}

function FoldsTable({ run }: { run: BacktestDetail }) {
  return (
    <div className="bt-table-wrap bt-folds">
      <table className="bt-table">
        <thead>
          <tr>
            <th className="is-numeric">#</th>
            <th>Train</th>
            <th>Test (out of sample)</th>
            <th>Model</th>
          </tr>
        </thead>
        <tbody>
          {run.foldList.map((f) => (
            <tr key={f.index}>
              <td className="is-numeric">{f.index + 1}</td>
              <td className="bt-mono">
                {formatDateTime(f.trainFrom)} → {formatDateTime(f.trainTo)}
              </td>
              <td className="bt-mono">
                {formatDateTime(f.testFrom)} → {formatDateTime(f.testTo)}
              </td>
              <td className="bt-mono">{f.modelId ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
