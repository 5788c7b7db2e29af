// The running (or last) backtest: a progress bar with the core's message, Cancel while it runs, and
// a way to open the stored run once it is done. The time elapsed ticks from the first second, with an
// ETA once the pace is known, so loading candles and training fold models never look frozen at 0%.
import type { BacktestJob } from '../../api/backtests';
import { formatCount, formatProgress } from '../../format';
import { timingText } from '../progress/eta';
import { useElapsed } from '../progress/use-elapsed';

export interface BacktestProgressProps {
  job: BacktestJob;
  onCancel: () => void;
  onOpen: (id: string) => void;
}

const PHASE_TEXT = { running: 'Running', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' } as const;

export function BacktestProgress({ job, onCancel, onOpen }: BacktestProgressProps) {
  const { progress, phase } = job;
  const total = progress?.total ?? null;
  const done = progress?.done ?? 0;
  const fraction = phase === 'done' ? 1 : total ? Math.min(1, done / total) : 0;
  const elapsed = useElapsed(phase === 'running');
  const message =
    phase === 'failed' || phase === 'cancelled'
      ? (job.error?.message ?? progress?.message ?? '')
      : phase === 'done'
        ? `${job.result?.bars ?? done} bars out of sample, ${job.result?.folds ?? 0} folds`
        : (progress?.message ?? 'Loading candles…');

  return (
    <section
      className={`bt-progress is-${phase}`}
      data-testid="backtest-progress"
      data-state={phase}
      data-events={job.events}
      data-done={done}
      data-total={total ?? ''}
    >
      <div className="bt-progress__head">
        <span className="bt-progress__phase">{PHASE_TEXT[phase]}</span>
        <span className="bt-progress__figure">
          {total ? `${formatCount(done)} / ${formatCount(total)} bars · ` : ''}
          {formatProgress(fraction)}
        </span>
      </div>
      <div
        className="bt-progress__bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
      >
        <div className="bt-progress__fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      <div className="bt-progress__message" data-testid="backtest-progress-message">
        {message}
      </div>
      {phase === 'running' && (
        <div className="bt-progress__timing" data-testid="backtest-eta">
          {timingText(elapsed, fraction)}
        </div>
      )}
      <div className="bt-progress__actions">
        {phase === 'running' && (
          <button type="button" className="bt-button" onClick={onCancel}>
            Cancel
          </button>
        )}
        {phase === 'done' && job.result && (
          <button type="button" className="bt-button" onClick={() => onOpen(job.result!.id)}>
            Open run
          </button>
        )}
      </div>
    </section>
  );
}
