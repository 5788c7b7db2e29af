// Transport-independent RPC: envelopes, a typed client and a server loop. The same code runs over
// Electron IPC (the preload's envelope port) and over a WebSocket, and between a host's main thread and
// the core's worker thread; a Transport only moves envelopes.
import { z } from 'zod';
import {
  calls,
  isCallName,
  type CallName,
  type CallParams,
  type CallResult,
  type EventPayload,
  type EventTopic,
  type HandlerParams,
} from './contract';
import { CoreError, CoreErrorShapeSchema, toErrorShape, type CoreErrorShape } from './errors';

export const EnvelopeSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('req'), id: z.number().int(), method: z.string(), params: z.unknown() }),
  z.object({ t: z.literal('res'), id: z.number().int(), result: z.unknown() }),
  z.object({ t: z.literal('err'), id: z.number().int(), error: CoreErrorShapeSchema }),
  z.object({ t: z.literal('evt'), topic: z.string(), payload: z.unknown() }),
  z.object({ t: z.literal('cancel'), id: z.number().int() }),
]);
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** Moves envelopes one way and delivers them the other; knows nothing about methods. */
export interface Transport {
  send(message: Envelope): void;
  /** Returns an unsubscribe function. */
  onMessage(handler: (message: Envelope) => void): () => void;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface CoreClient {
  call<M extends CallName>(method: M, params: CallParams<M>, options?: CallOptions): Promise<CallResult<M>>;
  on<T extends EventTopic>(topic: T, handler: (payload: EventPayload<T>) => void): () => void;
  /** Rejects every pending call (e.g. when the transport closed). */
  failPending(error: CoreErrorShape): void;
}

export function createClient(transport: Transport): CoreClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: CoreError) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  transport.onMessage((message) => {
    if (message.t === 'res' || message.t === 'err') {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      if (message.t === 'res') entry.resolve(message.result);
      else entry.reject(CoreError.from(message.error));
    } else if (message.t === 'evt') {
      for (const handler of listeners.get(message.topic) ?? []) handler(message.payload);
    }
  });

  return {
    call(method, params, options) {
      const id = nextId++;
      const signal = options?.signal;
      if (signal?.aborted) return Promise.reject(new CoreError('CANCELLED', `${method} was cancelled.`));
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        signal?.addEventListener('abort', () => transport.send({ t: 'cancel', id }), { once: true });
        transport.send({ t: 'req', id, method, params });
      });
    },
    on(topic, handler) {
      let set = listeners.get(topic);
      if (!set) listeners.set(topic, (set = new Set()));
      const h = handler as (payload: unknown) => void;
      set.add(h);
      return () => set.delete(h);
    },
    failPending(error) {
      for (const [id, entry] of pending) {
        pending.delete(id);
        entry.reject(CoreError.from(error));
      }
    },
  };
}

export interface CallContext {
  /** Aborted when the caller cancels or disconnects. */
  signal: AbortSignal;
}

export type Handler<M extends CallName> = (
  params: HandlerParams<M>,
  context: CallContext,
) => Promise<CallResult<M>> | CallResult<M>;
export type Handlers = { [M in CallName]: Handler<M> };

/** Validates params against the contract, runs the handler, and turns any failure into a CoreError. */
export type Dispatch = (method: string, params: unknown, context: CallContext) => Promise<unknown>;

export function createDispatch(handlers: Partial<Handlers>): Dispatch {
  return async (method, rawParams, context) => {
    if (!isCallName(method)) throw new CoreError('UNKNOWN_METHOD', `Unknown call '${method}'.`);
    const handler = handlers[method] as Handler<CallName> | undefined;
    if (!handler)
      throw new CoreError('UNKNOWN_METHOD', `The call '${method}' is not available in this host.`);
    const parsed = calls[method].params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
      throw new CoreError('INVALID_PARAMS', `Invalid parameters for ${method}: ${summary}`, { issues });
    }
    return handler(parsed.data as never, context);
  };
}

/** Something the server can forward events from: subscribe to every topic at once. */
export interface EventSource {
  subscribeAll(listener: (topic: EventTopic, payload: unknown) => void): () => void;
}

/**
 * Serves one connection: answers requests through `dispatch`, forwards every core event, aborts a
 * call when the client cancels it. Returns a function that detaches (and aborts running calls).
 */
export function serve(dispatch: Dispatch, transport: Transport, events?: EventSource): () => void {
  const running = new Map<number, AbortController>();
  const offMessage = transport.onMessage((message) => {
    if (message.t === 'cancel') {
      running.get(message.id)?.abort();
      return;
    }
    if (message.t !== 'req') return;
    const controller = new AbortController();
    running.set(message.id, controller);
    dispatch(message.method, message.params, { signal: controller.signal })
      .then((result) => transport.send({ t: 'res', id: message.id, result: result ?? null }))
      .catch((err: unknown) => transport.send({ t: 'err', id: message.id, error: toErrorShape(err) }))
      .finally(() => running.delete(message.id));
  });
  const offEvents = events?.subscribeAll((topic, payload) => transport.send({ t: 'evt', topic, payload }));
  return () => {
    offMessage();
    offEvents?.();
    for (const controller of running.values()) controller.abort();
    running.clear();
  };
}

/** Parses a text frame into an envelope, or returns null for anything malformed. */
export function parseEnvelope(text: string): Envelope | null {
  try {
    const parsed = EnvelopeSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
