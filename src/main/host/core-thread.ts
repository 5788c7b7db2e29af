// The host's side of the core's worker thread: starts it, hands it one MessagePort per client and
// relays that client's envelopes both ways, unread. The main thread keeps no core object, so the HTTP
// server and the window stay responsive whatever the core is doing. Should the thread die, every call
// still open and every later one is answered with an error that says so: no caller waits forever.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { CoreErrorShape } from '../../shared/errors';
import type { Envelope, Transport } from '../../shared/rpc';
import type { CoreThreadConfig, FromCoreThread, ToCoreThread } from './core-thread-protocol';
import { configureNativeThreads } from '../core/model/native-threads';
import { portTransport } from './port-transport';

const CLOSE_GRACE_MS = 15_000;

export interface CoreThread {
  /** The start-up feed choice, once made: lines to tell the user. */
  feed: Promise<string[]>;
  /** Serves one client over `transport` until the returned function is called (which aborts its calls). */
  connect(transport: Transport): () => void;
  /** Lines for the user after start-up (a resumed paper account, the demo model's progress). */
  onNotice(listener: (line: string) => void): void;
  /** Called once if the thread stops on its own (a crash), with the reason. */
  onStopped(listener: (reason: string) => void): void;
  /** Closes the core cleanly (jobs cancelled, stream stopped, database closed) and ends the thread. */
  close(): Promise<void>;
}

/** The compiled entry beside the bundle (electron-vite), else the TypeScript source through tsx. */
function spawnWorker(config: CoreThreadConfig): Worker {
  for (const bundled of [
    new URL('./core-worker.js', import.meta.url),
    new URL('../core-worker.js', import.meta.url),
  ]) {
    if (bundled.protocol === 'file:' && existsSync(fileURLToPath(bundled))) {
      return new Worker(bundled, { workerData: config });
    }
  }
  const entry = new URL('./core-worker.ts', import.meta.url).href;
  return new Worker(new URL('../core/model/train-worker-bootstrap.mjs', import.meta.url), {
    workerData: { ...config, entry },
  });
}

export async function startCoreThread(config: CoreThreadConfig): Promise<CoreThread> {
  // Here, on the process's main thread: a worker's process.env is its own copy, which native code
  // (TensorFlow reads its thread settings with getenv) never sees.
  configureNativeThreads();
  const worker = spawnWorker(config);
  const tell = (message: ToCoreThread, transfer: MessagePort[] = []) => worker.postMessage(message, transfer);
  let stopped: string | null = null;
  let closingDone: (() => void) | null = null;
  const stopListeners = new Set<(reason: string) => void>();
  const noticeListeners = new Set<(line: string) => void>();
  const connections = new Set<{ fail(error: CoreErrorShape): void }>();

  let feedReady: (lines: string[]) => void = () => {};
  const feed = new Promise<string[]>((resolve) => (feedReady = resolve));

  await new Promise<void>((resolve, reject) => {
    worker.on('message', (message: FromCoreThread) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'failed') reject(new Error(message.message));
      else if (message.type === 'feed') feedReady(message.lines);
      else if (message.type === 'notice') for (const listener of noticeListeners) listener(message.line);
      else if (message.type === 'closed') closingDone?.();
    });
    worker.on('error', (err) => {
      stopped ??= `the core failed: ${err.message}`;
      reject(err);
    });
    worker.on('exit', (code) => {
      const reason = stopped ?? `the core stopped unexpectedly (exit code ${code})`;
      reject(new Error(reason));
      if (closingDone) return closingDone();
      stopped = reason;
      feedReady([]);
      const error = { code: 'INTERNAL', message: `The CrossDesk core stopped: ${reason}. Restart the app.` };
      for (const connection of connections) connection.fail(error);
      for (const listener of stopListeners) listener(reason);
    });
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });

  return {
    feed,
    connect(client) {
      const channel = new MessageChannel();
      const core = portTransport(channel.port1);
      // Ids of calls sent to the core and not answered yet: answered here if the thread dies.
      const open = new Set<number>();
      const failure = (error: CoreErrorShape, id: number) => client.send({ t: 'err', id, error });
      const deadError = () => ({ code: 'INTERNAL', message: `The CrossDesk core stopped: ${stopped}.` });
      const connection = {
        fail(error: CoreErrorShape) {
          for (const id of open) failure(error, id);
          open.clear();
        },
      };
      connections.add(connection);
      const offClient = client.onMessage((message) => {
        if (stopped !== null) {
          if (message.t === 'req') failure(deadError(), message.id);
          return;
        }
        if (message.t === 'req') open.add(message.id);
        core.send(message);
      });
      const offCore = core.onMessage((message) => {
        if ((message.t === 'res' || message.t === 'err') && message.id !== null) open.delete(message.id);
        client.send(message);
      });
      tell({ type: 'connect', port: channel.port2 }, [channel.port2]);
      return () => {
        connections.delete(connection);
        offClient();
        offCore();
        core.close();
      };
    },
    onNotice(listener) {
      noticeListeners.add(listener);
    },
    onStopped(listener) {
      stopListeners.add(listener);
    },
    async close() {
      if (stopped !== null) return;
      stopped = 'the app is closing';
      const done = new Promise<void>((resolve) => (closingDone = resolve));
      tell({ type: 'close' });
      const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
      await done;
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}

/**
 * `connect` for a core thread that is still starting (opening a large database, migrating it): the
 * client's envelopes wait here, in order, and are handed over once the thread is ready, so a host can
 * show its window or accept sockets at once. Should the start fail, each waiting request gets an error.
 */
export function connectWhenReady(starting: Promise<CoreThread>): (transport: Transport) => () => void {
  let ready: CoreThread | null = null;
  let failure: string | null = null;
  void starting.then(
    (core) => (ready = core),
    (err: unknown) => (failure = err instanceof Error ? err.message : String(err)),
  );
  return (client) => {
    if (ready) return ready.connect(client);
    let detached = false;
    let detach: (() => void) | null = null;
    const waiting: Envelope[] = [];
    const offWaiting = client.onMessage((message) => waiting.push(message));
    const refuse = (message: Envelope) => {
      if (message.t !== 'req') return;
      const error = { code: 'INTERNAL', message: `The CrossDesk core could not start: ${failure}` };
      client.send({ t: 'err', id: message.id, error });
    };
    void starting.then(
      (core) => {
        offWaiting();
        if (detached) return;
        // Replays what arrived meanwhile through the same relay, then lets the client talk directly.
        const replay = waiting.splice(0);
        const handlers = new Set<(message: Envelope) => void>();
        detach = core.connect({
          send: (message) => client.send(message),
          onMessage(handler) {
            handlers.add(handler);
            const off = client.onMessage(handler);
            return () => {
              handlers.delete(handler);
              off();
            };
          },
        });
        for (const message of replay) for (const handler of handlers) handler(message);
      },
      () => {
        offWaiting();
        if (detached) return;
        for (const message of waiting.splice(0)) refuse(message);
        detach = client.onMessage(refuse);
      },
    );
    return () => {
      detached = true;
      offWaiting();
      detach?.();
    };
  };
}
