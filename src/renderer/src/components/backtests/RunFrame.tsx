// What a run's page and the comparison of two runs share: the frame with the way back to the library
// (and the run's actions), the loading and error lines, and the percent charts over out-of-sample time.
import type { ReactNode } from 'react';
import type { ChartSeries } from '../../chart/series-data';
import { formatPercent } from '../../format';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';

export interface RunFrameProps {
  testId: string;
  /** The run's id, when the frame shows one run. */
  runId?: string;
  onBack: () => void;
  backTestId?: string;
  /** Buttons on the right of the back link, e.g. export and delete. */
  actions?: ReactNode;
  error: { message: string } | null | undefined;
  /** Every run asked for has loaded; until then `loadingText` shows. */
  ready: boolean;
  errorText: string;
  loadingText: string;
  /** The page itself; called only once `ready`. */
  body: () => ReactNode;
}

export function RunFrame({
  testId,
  runId,
  onBack,
  backTestId,
  actions,
  error,
  ready,
  errorText,
  loadingText,
  body,
}: RunFrameProps) {
  return (
    <div className="bt-run" data-testid={testId} data-id={runId}>
      <div className="bt-run__nav">
        <button type="button" className="bt-link" onClick={onBack} data-testid={backTestId}>
          ← Library
        </button>
        {actions}
      </div>
      {error ? (
        <div className="view-message">
          {errorText}: {error.message}
        </div>
      ) : !ready ? (
        <div className="view-message">{loadingText}</div>
      ) : (
        body()
      )}
    </div>
  );
}

export interface PercentChartPanelProps {
  title: string;
  series: readonly ChartSeries[];
  height: number;
  testId: string;
  /** Spans both columns of the run grid. */
  wide?: boolean;
}

/** Growth or drawdown as percentages over time, zero always in view. */
export function PercentChartPanel({ title, series, height, testId, wide = false }: PercentChartPanelProps) {
  return (
    <section className={wide ? 'bt-panel bt-panel--wide' : 'bt-panel'}>
      <div className="panel-title">{title}</div>
      <TimeSeriesChart
        series={series}
        height={height}
        testId={testId}
        formatValue={(y) => formatPercent(y)}
        includeZero
      />
    </section>
  );
}
