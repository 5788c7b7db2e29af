// The client over Electron's preload bridge (`window.crossdesk`). The bridge exposes only `call` and
// `on`; it has no cancel envelope, so a cancelled job is stopped through `job.cancel` with its jobId.
// Each topic is subscribed on the bridge once and fanned out here, so many views add no IPC listeners.
import type { CallName, CallParams, CallResult, EventPayload, EventTopic } from '../../../shared/contract';
import { CoreError, type CoreErrorShape } from '../../../shared/errors';
import type { CallOptions, CoreClient } from '../../../shared/rpc';

export interface PreloadBridge {
  call(method: string, params: unknown): Promise<unknown>;
  on(topic: string, handler: (payload: unknown) => void): () => void;
}

export function findBridge(): PreloadBridge | null {
  const candidate = (globalThis as { crossdesk?: Partial<PreloadBridge> }).crossdesk;
  return candidate && typeof candidate.call === 'function' && typeof candidate.on === 'function'
    ? (candidate as PreloadBridge)
    : null;
}

export function createBridgeClient(bridge: PreloadBridge): CoreClient {
  const pending = new Set<(error: CoreError) => void>();
  const topics = new Map<string, { handlers: Set<(payload: unknown) => void>; off: () => void }>();

  return {
    call<M extends CallName>(
      method: M,
      params: CallParams<M>,
      options?: CallOptions,
    ): Promise<CallResult<M>> {
      const signal = options?.signal;
      if (signal?.aborted) return Promise.reject(new CoreError('CANCELLED', `${method} was cancelled.`));
      return new Promise<CallResult<M>>((resolve, reject) => {
        const fail = (error: CoreError) => {
          pending.delete(fail);
          reject(error);
        };
        pending.add(fail);
        signal?.addEventListener(
          'abort',
          () => {
            const jobId = (params as { jobId?: unknown } | undefined)?.jobId;
            if (typeof jobId === 'string') void bridge.call('job.cancel', { jobId }).catch(() => {});
            fail(new CoreError('CANCELLED', `${method} was cancelled.`));
          },
          { once: true },
        );
        bridge.call(method, params).then(
          (result) => {
            if (!pending.delete(fail)) return; // already cancelled
            resolve(result as CallResult<M>);
          },
          (error: unknown) => fail(toCoreError(error)),
        );
      });
    },
    on<T extends EventTopic>(topic: T, handler: (payload: EventPayload<T>) => void): () => void {
      let entry = topics.get(topic);
      if (!entry) {
        const handlers = new Set<(payload: unknown) => void>();
        const off = bridge.on(topic, (payload) => {
          for (const h of [...handlers]) h(payload);
        });
        topics.set(topic, (entry = { handlers, off }));
      }
      const h = handler as (payload: unknown) => void;
      const subscribed = entry;
      subscribed.handlers.add(h);
      return () => {
        subscribed.handlers.delete(h);
        if (subscribed.handlers.size === 0 && topics.get(topic) === subscribed) {
          topics.delete(topic);
          subscribed.off();
        }
      };
    },
    failPending(error: CoreErrorShape): void {
      for (const fail of [...pending]) fail(CoreError.from(error));
    },
  };
}

function toCoreError(error: unknown): CoreError {
  if (error instanceof CoreError) return error;
  const shape = error as Partial<CoreErrorShape> | null;
  if (shape && typeof shape.code === 'string' && typeof shape.message === 'string') {
    return CoreError.from({ code: shape.code, message: shape.message, details: shape.details });
  }
  return new CoreError('INTERNAL', error instanceof Error ? error.message : String(error));
}
