// The running (or last) training: a progress bar with epoch, step and ETA, live loss curves (train
// loss as it runs, validation loss at each epoch's end), throughput, and how it ended.
import { useCoreConnection } from '../../api/CoreProvider';
import { cancelTraining, clearTraining, trainingFraction, type TrainingSession } from '../../api/models';
import {
  formatCount,
  formatDuration,
  formatLoss,
  formatNumber,
  formatPercent,
  formatProgress,
  formatSignificant,
} from '../../format';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';
import { useElapsed } from '../progress/use-elapsed';

export function TrainProgress({
  session,
  onShowModel,
}: {
  session: TrainingSession | null;
  onShowModel: (id: string) => void;
}) {
  const { client } = useCoreConnection();
  const elapsed = useElapsed(session?.state === 'running');
  if (!session) {
    return (
      <section className="train-progress-panel">
        <div className="panel-title">Training</div>
        <div className="models-empty">
          No training yet. Choose candles and a model on the left, then Train.
        </div>
      </section>
    );
  }
  const { progress, state } = session;
  const fraction = state === 'done' ? 1 : trainingFraction(progress);
  const label = progress
    ? `Epoch ${progress.epoch}/${progress.epochs} · step ${progress.step}/${progress.steps}`
    : state === 'running'
      ? `Preparing the training windows… ${formatDuration(elapsed)} elapsed`
      : 'Did not start';

  return (
    <section className="train-progress-panel" aria-label="Training progress">
      <div className="panel-title">
        Training · <span className="train-progress__job">{session.jobId}</span>
      </div>
      <div className="train-progress__body">
        <div className="train-progress__row">
          <div
            className={`train-progress is-${state}`}
            data-testid="train-progress"
            data-state={state}
            data-fraction={fraction.toFixed(4)}
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(fraction * 100)}
            aria-valuetext={label}
          >
            <div className="train-progress__fill" style={{ width: `${(fraction * 100).toFixed(2)}%` }} />
            <span className="train-progress__text">
              {label}
              {state === 'running' && progress?.etaMs != null && ` · ETA ${formatDuration(progress.etaMs)}`}
              {` · ${formatProgress(fraction)}`}
            </span>
          </div>
          {state === 'running' ? (
            <button
              type="button"
              className="button button--danger"
              onClick={() => void cancelTraining(client)}
            >
              Cancel
            </button>
          ) : (
            <button type="button" className="button" onClick={clearTraining}>
              Clear
            </button>
          )}
        </div>

        <Outcome session={session} onShowModel={onShowModel} />

        {(progress || state === 'running') && (
          <>
            <div className="train-progress__stats">
              <Stat label="train loss" value={formatLoss(progress?.trainLoss)} />
              <Stat label="val loss" value={formatLoss(lastY(session.validationLoss))} />
              <Stat label="mse" value={formatLoss(progress?.losses.mse)} />
              <Stat label="cross-entropy" value={formatLoss(progress?.losses.crossEntropy)} />
              <Stat label="sharpe" value={formatLoss(progress?.losses.sharpe)} />
              <Stat label="learning rate" value={progress ? formatSignificant(progress.learningRate) : '—'} />
              <Stat
                label="samples/s"
                value={progress ? formatCount(progress.samplesPerSecond) : '—'}
                testId="train-samples-per-second"
              />
              <Stat
                label="elapsed"
                value={formatDuration((session.endedAt ?? Date.now()) - session.startedAt)}
              />
            </div>

            <div className="train-progress__chart-title">Loss by epoch</div>
            <TimeSeriesChart
              testId="train-loss-chart"
              height={170}
              axis="number"
              series={[
                { name: 'train loss', color: 'var(--accent)', points: session.trainLoss },
                { name: 'validation loss', color: 'var(--warn)', points: session.validationLoss },
                {
                  name: 'this epoch (running mean)',
                  color: 'var(--muted)',
                  points: session.runningLoss,
                  dashed: true,
                },
              ]}
              formatX={(x) => `epoch ${formatNumber(x, 2)}`}
              formatValue={(y) => formatLoss(y)}
              emptyText={state === 'running' ? 'Waiting for the first step…' : 'No loss recorded'}
            />
          </>
        )}
      </div>
    </section>
  );
}

function Outcome({ session, onShowModel }: { session: TrainingSession; onShowModel: (id: string) => void }) {
  if (session.state === 'running') return null;
  if (session.state === 'done' && session.model) {
    const { model } = session;
    return (
      <div className="train-outcome is-done" data-testid="train-outcome" role="status">
        Trained <strong>{model.id}</strong> in {formatDuration(model.metrics.durationMs)}:{' '}
        {model.metrics.epochs} epochs (best {model.metrics.bestEpoch}), direction accuracy{' '}
        {formatPercent(model.metrics.directionAccuracy, false)}, validation loss{' '}
        {formatLoss(model.metrics.validationLoss)}.{' '}
        <button type="button" className="link-button" onClick={() => onShowModel(model.id)}>
          Show it
        </button>
      </div>
    );
  }
  const error = session.error;
  const text =
    session.state === 'cancelled'
      ? 'Training cancelled; nothing was saved.'
      : error?.code === 'INVALID_PARAMS'
        ? `Training did not start: ${error.message.replace(/\.$/, '')}. Fix the highlighted fields.`
        : `Training failed: ${error?.message ?? 'unknown error'}`;
  return (
    <div className={`train-outcome is-${session.state}`} data-testid="train-outcome" role="alert">
      {text}
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="train-stat" data-testid={testId}>
      <span className="train-stat__label">{label}</span>
      <span className="train-stat__value">{value}</span>
    </div>
  );
}

function lastY(points: readonly { y: number }[]): number | undefined {
  return points[points.length - 1]?.y;
}
