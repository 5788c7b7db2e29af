// Long-running jobs (backfill, training, backtests): an id, progress events, cancellation by id or by
// the caller's signal.
import { randomUUID } from 'node:crypto';
import { CoreError } from '../../shared/errors';
import type { CoreEvents } from './events';

export interface Job {
  readonly id: string;
  readonly kind: string;
  /** Aborted by job.cancel, by the caller's signal, or when the core closes. */
  readonly signal: AbortSignal;
  progress(done: number, total: number | null, message: string): void;
  /** Throws CANCELLED if the job was cancelled; call between units of work. */
  throwIfCancelled(): void;
}

export class JobRegistry {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly events: CoreEvents) {}

  /**
   * Runs `work` as a job and reports its end state. The job is cancelled when `callerSignal` aborts
   * (the client cancelled or disconnected) or when job.cancel names it.
   */
  async run<T>(
    kind: string,
    requestedId: string | undefined,
    callerSignal: AbortSignal | undefined,
    work: (job: Job) => Promise<T>,
  ): Promise<T> {
    const id = requestedId ?? `${kind}-${randomUUID().slice(0, 8)}`;
    if (this.running.has(id)) throw new CoreError('CONFLICT', `A job with id '${id}' is already running.`);
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort();
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    if (callerSignal?.aborted) controller.abort();
    this.running.set(id, controller);

    let last = { done: 0, total: null as number | null };
    const emit = (state: 'running' | 'done' | 'failed' | 'cancelled', message: string) =>
      this.events.emit('job.progress', {
        jobId: id,
        kind,
        done: last.done,
        total: last.total,
        message,
        state,
      });

    const job: Job = {
      id,
      kind,
      signal: controller.signal,
      progress: (done, total, message) => {
        last = { done, total };
        emit('running', message);
      },
      throwIfCancelled: () => {
        if (controller.signal.aborted) throw new CoreError('CANCELLED', `${kind} ${id} was cancelled.`);
      },
    };

    try {
      const result = await work(job);
      emit('done', 'done');
      return result;
    } catch (err) {
      const cancelled = controller.signal.aborted;
      emit(cancelled ? 'cancelled' : 'failed', err instanceof Error ? err.message : String(err));
      if (cancelled && !(err instanceof CoreError && err.code === 'CANCELLED')) {
        throw new CoreError('CANCELLED', `${kind} ${id} was cancelled.`);
      }
      throw err;
    } finally {
      callerSignal?.removeEventListener('abort', onCallerAbort);
      this.running.delete(id);
    }
  }

  cancel(id: string): boolean {
    const controller = this.running.get(id);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }
}
