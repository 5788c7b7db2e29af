// The only way views reach the core: typed calls and events from the contract, with loading and error
// state, reloaded automatically after every reconnection.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { CallName, CallParams, CallResult, EventPayload, EventTopic } from '../../../shared/contract';
import { CoreError } from '../../../shared/errors';
import type { LinkStatus } from './link';
import { useCoreConnection } from './CoreProvider';

export function useLink(): LinkStatus {
  const { link } = useCoreConnection();
  return useSyncExternalStore(link.subscribe, link.get);
}

/** Subscribes to a pushed event for the component's lifetime; the latest handler is always used. */
export function useEvent<T extends EventTopic>(topic: T, handler: (payload: EventPayload<T>) => void): void {
  const { client } = useCoreConnection();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => client.on(topic, (payload) => latest.current(payload)), [client, topic]);
}

export interface CallState<M extends CallName> {
  data: CallResult<M> | undefined;
  error: CoreError | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Calls `method` with `params` (null: do not call yet) and re-calls when the params change or the link
 * reconnects. Stale answers of superseded calls are dropped.
 */
export function useCall<M extends CallName>(method: M, params: CallParams<M> | null): CallState<M> {
  const { client } = useCoreConnection();
  const { epoch } = useLink();
  const key = params === null ? null : JSON.stringify(params);
  const [reloads, setReloads] = useState(0);
  const [state, setState] = useState<Omit<CallState<M>, 'reload'>>({
    data: undefined,
    error: null,
    loading: true,
  });

  useEffect(() => {
    if (key === null || epoch === 0) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    client.call(method, JSON.parse(key) as CallParams<M>, { signal: controller.signal }).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const coreError = error instanceof CoreError ? error : new CoreError('INTERNAL', String(error));
        setState((s) => ({ data: s.data, error: coreError, loading: false }));
      },
    );
    return () => controller.abort();
  }, [client, method, key, epoch, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return { ...state, reload };
}
