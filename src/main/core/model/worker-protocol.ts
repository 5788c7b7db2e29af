// Messages between a training worker and its parent. A worker runs one job at a time and is kept for
// the next (worker-client.ts); every message names its job.
import type { CoreErrorShape } from '../../../shared/errors';
import type { TrainingInput, TrainingOutcome } from './training-job';
import type { TrainProgress } from './trainer';

/** From the parent: start a job, or cancel the job running (a cancel for another job is ignored). */
export type ParentMessage =
  { type: 'train'; job: number; input: TrainingInput } | { type: 'cancel'; job: number };

/** From the worker. `tensors`: the backend's live tensors once the job has let go of its own. */
export type WorkerMessage =
  | { type: 'progress'; job: number; progress: TrainProgress }
  | { type: 'done'; job: number; outcome: TrainingOutcome; tensors: number }
  | { type: 'error'; job: number; error: CoreErrorShape };
