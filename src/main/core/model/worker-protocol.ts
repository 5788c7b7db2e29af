// Messages from the training worker to its parent.
import type { CoreErrorShape } from '../../../shared/errors';
import type { TrainingOutcome } from './training-job';
import type { TrainProgress } from './trainer';

export type WorkerMessage =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'done'; outcome: TrainingOutcome }
  | { type: 'error'; error: CoreErrorShape };
