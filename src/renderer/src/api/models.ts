// Model hooks: the trained-model list, and the one training session of this page. The session lives in
// module scope, not in a component, so that switching views neither cancels a running training nor
// loses its progress and loss curves.
import { useSyncExternalStore } from 'react';
import type { CallParams } from '../../../shared/contract';
import type { ModelInfo, ModelProgress } from '../../../shared/contract/model';
import { CoreError } from '../../../shared/errors';
import type { CoreClient } from '../../../shared/rpc';
import { useCall } from './hooks';

export type TrainParams = CallParams<'model.train'>;

/** One point of a loss curve; x is fractional epochs (1.5 = half-way through epoch 2). */
export interface LossPoint {
  x: number;
  y: number;
}

export interface TrainingSession {
  jobId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  startedAt: number;
  /** The latest model.progress of this job, null before the first step. */
  progress: ModelProgress | null;
  /** Train loss (mean over the epoch's steps) at the end of each epoch. */
  trainLoss: LossPoint[];
  /** Validation loss at the end of each epoch. */
  validationLoss: LossPoint[];
  /** The running epoch's mean train loss so far, one point per step report; empty between epochs. */
  runningLoss: LossPoint[];
  /** Set when the state is 'done'. */
  model: ModelInfo | null;
  /** Set when the state is 'failed' (or 'cancelled'). */
  error: CoreError | null;
  endedAt: number | null;
}

let session: TrainingSession | null = null;
const listeners = new Set<() => void>();

function update(next: TrainingSession): void {
  session = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTrainingSession(): TrainingSession | null {
  return useSyncExternalStore(subscribe, () => session);
}

function newJobId(): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `train-${Date.now().toString(36)}-${random}`;
}

/**
 * Starts `model.train` as a job named by this page, so that its progress events can be told apart
 * from other clients' trainings. Resolves when the training ended, however it ended; the outcome is
 * in the session. Throws (without starting anything) only when a training is already running.
 */
export async function startTraining(client: CoreClient, params: Omit<TrainParams, 'jobId'>): Promise<void> {
  if (session?.state === 'running') throw new CoreError('CONFLICT', 'A training is already running.');
  const jobId = newJobId();
  update({
    jobId,
    state: 'running',
    startedAt: Date.now(),
    progress: null,
    trainLoss: [],
    validationLoss: [],
    runningLoss: [],
    model: null,
    error: null,
    endedAt: null,
  });
  const off = client.on('model.progress', (progress) => {
    if (!session || progress.jobId !== jobId || session.state !== 'running') return;
    update(withProgress(session, progress));
  });
  try {
    const model = await client.call('model.train', { ...params, jobId });
    if (session?.jobId === jobId) {
      update({ ...session, state: 'done', model, runningLoss: [], endedAt: Date.now() });
    }
  } catch (err) {
    const error = err instanceof CoreError ? err : new CoreError('INTERNAL', String(err));
    const state = error.code === 'CANCELLED' ? 'cancelled' : 'failed';
    if (session?.jobId === jobId) update({ ...session, state, error, endedAt: Date.now() });
  } finally {
    off();
  }
}

/** Asks the core to stop the running training; the train call then fails with CANCELLED. */
export async function cancelTraining(client: CoreClient): Promise<void> {
  if (session?.state !== 'running') return;
  await client.call('model.cancel', { jobId: session.jobId });
}

/** Forgets a finished session (the form's "Clear"). */
export function clearTraining(): void {
  if (session && session.state !== 'running') {
    session = null;
    for (const listener of listeners) listener();
  }
}

function withProgress(current: TrainingSession, progress: ModelProgress): TrainingSession {
  if (!Number.isFinite(progress.trainLoss)) return { ...current, progress };
  // The epoch-end event is the only one that carries a validation loss.
  if (progress.validationLoss !== null) {
    const x = progress.epoch;
    return {
      ...current,
      progress,
      trainLoss: [...current.trainLoss, { x, y: progress.trainLoss }],
      validationLoss: Number.isFinite(progress.validationLoss)
        ? [...current.validationLoss, { x, y: progress.validationLoss }]
        : current.validationLoss,
      runningLoss: [],
    };
  }
  // Within an epoch: start from the previous epoch's point so the live line joins the curve.
  const x = progress.epoch - 1 + (progress.steps > 0 ? progress.step / progress.steps : 1);
  const previous = current.trainLoss[current.trainLoss.length - 1];
  const running = current.runningLoss.length > 0 ? current.runningLoss : previous ? [previous] : [];
  return { ...current, progress, runningLoss: [...running, { x, y: progress.trainLoss }] };
}

/** Share of the whole training done, 0..1, from the epoch and step of the latest progress. */
export function trainingFraction(progress: ModelProgress | null): number {
  if (!progress || progress.epochs <= 0 || progress.steps <= 0) return 0;
  const done = (progress.epoch - 1) * progress.steps + progress.step;
  return Math.min(1, Math.max(0, done / (progress.epochs * progress.steps)));
}

/** Trained models, newest first; with `includeFolds`, the models backtests trained for their folds too. */
export function useModelList(includeFolds = false) {
  const list = useCall('model.list', includeFolds ? { includeFolds: true } : {});
  const models = list.data ? [...list.data].sort((a, b) => b.createdAt - a.createdAt) : undefined;
  return { ...list, models };
}
