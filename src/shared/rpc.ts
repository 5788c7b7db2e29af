// Transport-independent RPC: envelopes, a typed client and a server loop. The same code runs over
// Electron IPC (the preload's envelope port) and over a WebSocket, and between a host's main thread and
// the core's worker thread; a Transport only moves envelopes. The server loop answers every request
// exactly once (see `serve`).
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
import {
  CoreError,
  CoreErrorShapeSchema,
  excerpt,
  toErrorShape,
  type CoreErrorShape,
  type ErrorCode,
} from './errors';

/** A request id: a safe integer, so that it survives JSON on every side unchanged. */
const RequestId = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

export const EnvelopeSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('req'),
    id: RequestId,
    method: z.string().max(100),
    params: z.unknown().optional(),
  }),
  z.object({ t: z.literal('res'), id: RequestId, result: z.unknown() }),
  // id null: a protocol error about a frame whose id could not be read.
  z.object({ t: z.literal('err'), id: RequestId.nullable(), error: CoreErrorShapeSchema }),
  z.object({ t: z.literal('evt'), topic: z.string(), payload: z.unknown() }),
  z.object({ t: z.literal('cancel'), id: RequestId }),
]);
/**
 * What arrived instead of an envelope; never sent. A transport hands it to `serve` so that a
 * malformed frame is answered (with `id` when it had a usable one) rather than left waiting.
 */
export interface MalformedFrame {
  t: 'malformed';
  id: number | null;
  reason: string;
}
export type Envelope = z.infer<typeof EnvelopeSchema> | MalformedFrame;

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
    if ((message.t === 'res' || message.t === 'err') && message.id !== null) {
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

export function createDispatch(handlers: Handlers): Dispatch {
  return async (method, rawParams, context) => {
    if (!isCallName(method)) throw new CoreError('UNKNOWN_METHOD', `Unknown call '${excerpt(method)}'.`);
    const handler = handlers[method] as Handler<CallName>;
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
 * call when the client cancels it. Every frame with a usable id gets exactly one reply (a result or
 * an error); a malformed frame without one gets a protocol error with id null; an id already in
 * flight is refused. Returns a function that detaches (and aborts running calls).
 */
export function serve(dispatch: Dispatch, transport: Transport, events?: EventSource): () => void {
  const running = new Map<number, AbortController>();
  const refuse = (id: number | null, code: ErrorCode, message: string) =>
    transport.send({ t: 'err', id, error: { code, message } });
  const offMessage = transport.onMessage((message) => {
    switch (message.t) {
      case 'cancel':
        // Answered by the cancelled call's own reply; a cancel of nothing running needs none.
        running.get(message.id)?.abort();
        return;
      case 'malformed':
        refuse(message.id, 'INVALID_REQUEST', message.reason);
        return;
      case 'req':
        break;
      default:
        if (message.t !== 'evt' && message.id !== null)
          refuse(message.id, 'INVALID_REQUEST', `A '${message.t}' frame is not a request.`);
        else refuse(null, 'INVALID_REQUEST', `A '${message.t}' frame is not a request.`);
        return;
    }
    const id = message.id;
    if (running.has(id)) {
      refuse(id, 'INVALID_REQUEST', `Request id ${id} is already in flight: use a new id per request.`);
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    let reply: Envelope;
    dispatch(message.method, message.params, { signal: controller.signal })
      .then(
        (result) => (reply = { t: 'res', id, result: result ?? null }),
        (err: unknown) => (reply = { t: 'err', id, error: toErrorShape(err) }),
      )
      .finally(() => {
        running.delete(id);
        try {
          transport.send(reply);
        } catch (err) {
          // A result that cannot be encoded (never expected) still gets its one reply.
          transport.send({ t: 'err', id, error: toErrorShape(err) });
        }
      });
  });
  const offEvents = events?.subscribeAll((topic, payload) => transport.send({ t: 'evt', topic, payload }));
  return () => {
    offMessage();
    offEvents?.();
    for (const controller of running.values()) controller.abort();
    running.clear();
  };
}

/** Reads a text frame into an envelope, or a MalformedFrame saying what is wrong with it. */
export function parseEnvelope(text: string): Envelope {
  let value: unknown;
  try {
    // A leading byte-order mark is an editor's habit, not part of the JSON.
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return { t: 'malformed', id: null, reason: 'The frame is not JSON.' };
  }
  return toEnvelope(value);
}

/** Checks an already-decoded value (e.g. from a structured-clone channel) the same way. */
export function toEnvelope(value: unknown): Envelope {
  const parsed = EnvelopeSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const rawId = isObject ? (value as { id?: unknown }).id : undefined;
  const id = RequestId.safeParse(rawId).success ? (rawId as number) : null;
  const t = isObject ? (value as { t?: unknown }).t : undefined;
  let reason: string;
  if (!isObject) reason = 'The frame is not an envelope object.';
  else if (rawId !== undefined && id === null)
    reason = "The frame's id is not usable: ids are integers (safe in JSON).";
  else if (t === 'req' && id === null) reason = 'The request has no id.';
  else
    reason = `The frame is not a valid envelope: ${excerpt(parsed.error.issues.map((i) => `${i.path.join('.') || 't'}: ${i.message}`).join('; '), 200)}`;
  return { t: 'malformed', id, reason };
}
