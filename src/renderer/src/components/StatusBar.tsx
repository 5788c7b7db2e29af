// The bottom status bar: feed, link and stream state, last-frame latency, TF.js backend, active model.
import type { MarketStatus } from '../../../shared/domain';
import { useChangedAt, useFreshness } from '../api/freshness';
import { useState } from 'react';
import type { JobProgress } from '../../../shared/domain';
import { useEvent, useLink } from '../api/hooks';
import { formatInterval, formatLatency } from '../format';

export function StatusBar({ status }: { status: MarketStatus | undefined }) {
  const link = useLink();
  const stream = link.state === 'connected' ? (status?.connection ?? '…') : 'unknown';
  // The latency of the last frame is only news while frames arrive: its age says when that was.
  const statusAt = useChangedAt(status);
  const ageMs = status?.lastFrameAgeMs;
  const frame = useFreshness(ageMs == null || statusAt === null ? null : statusAt - ageMs, FRAME_STALE_MS);
  const latency = formatLatency(status?.lastFrameLatencyMs ?? null);
  const training = useTraining();
  return (
    <footer className="status-bar" data-testid="status-bar">
      <Item label="feed" value={status?.feed ?? '…'} testId="status-feed" />
      <Item label="interval" value={status ? formatInterval(status.interval) : '…'} />
      <Item
        label="core"
        value={link.state}
        tone={link.state === 'connected' ? 'good' : 'bad'}
        testId="status-link"
      />
      <Item label="stream" value={stream} tone={streamTone(stream)} testId="status-stream" />
      <Item
        label="latency"
        value={ageMs == null ? latency : `${latency} · ${frame.text}`}
        tone={frame.stale && ageMs != null ? 'warn' : undefined}
        stale={frame.stale}
        testId="status-latency"
      />
      <Item label="reconnects" value={String(status?.reconnects ?? 0)} />
      <span className="status-bar__spacer" />
      {training && (
        <Item
          label="training"
          value={trainingText(training)}
          tone={training.state === 'failed' ? 'bad' : training.state === 'done' ? 'good' : 'warn'}
          testId="status-training"
        />
      )}
      <Item label="tf.js" value={backendText(status)} testId="status-backend" />
      <Item label="model" value={status?.activeModelId ?? 'none'} testId="status-model" />
    </footer>
  );
}

/** The latest model training job's progress (the first run's demo model, or one from the Models view). */
function useTraining(): JobProgress | null {
  const [job, setJob] = useState<JobProgress | null>(null);
  useEvent('job.progress', (progress) => {
    if (progress.kind === 'model.train') setJob(progress);
  });
  return job;
}

function trainingText(job: JobProgress): string {
  if (job.state === 'done') return 'model ready';
  if (job.state !== 'running') return job.state;
  const pct = job.total ? ` ${Math.round((100 * job.done) / job.total)}%` : '';
  return `${job.jobId === 'demo-model' ? 'demo model' : 'model'}${pct}`;
}

/** No frame for this long and the latency is old news (frames come every second or so while live). */
const FRAME_STALE_MS = 10_000;

function Item({
  label,
  value,
  tone,
  stale,
  testId,
}: {
  label: string;
  value: string;
  tone?: Tone;
  stale?: boolean;
  testId?: string;
}) {
  return (
    <span
      className={`status-bar__item${tone ? ` is-${tone}` : ''}${stale ? ' is-stale' : ''}`}
      data-testid={testId}
      data-stale={stale === undefined ? undefined : String(stale)}
    >
      <span className="status-bar__label">{label}</span>
      <span className="status-bar__value">{value}</span>
    </span>
  );
}

/** "decide wasm · train tensorflow": the backend of each model job, once chosen at core start. */
function backendText(status: MarketStatus | undefined): string {
  if (!status) return '…';
  const jobs = status.backendJobs;
  if (!jobs) return `${status.backend} (measuring)`;
  // Native jobs run as whole TensorFlow graphs where the graph addon is built.
  const name = (backend: string) => (backend === 'tensorflow' && jobs.graphs ? 'tensorflow graphs' : backend);
  if (jobs.training === jobs.decisions) return name(jobs.decisions);
  return `decide ${name(jobs.decisions)} · train ${name(jobs.training)}`;
}

type Tone = 'good' | 'warn' | 'bad';

function streamTone(stream: string): Tone | undefined {
  if (stream === 'live') return 'good';
  if (stream === 'connecting' || stream === 'reconnecting') return 'warn';
  if (stream === 'offline' || stream === 'unknown') return 'bad';
  return undefined;
}
