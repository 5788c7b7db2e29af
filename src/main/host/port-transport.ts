// One MessagePort as an RPC Transport: how envelopes cross between a host's main thread and the core's
// worker thread. Both ends are this program's own code, and the main thread has already parsed and
// checked every envelope it relays (ws-transport.ts, ipc-transport.ts), so nothing is re-validated here;
// structured clone copies the objects.
import type { MessagePort } from 'node:worker_threads';
import type { Envelope, Transport } from '../../shared/rpc';

export interface PortTransport extends Transport {
  /** Runs once when the other end closes the port (or this end does). */
  onClose(listener: () => void): void;
  close(): void;
}

export function portTransport(port: MessagePort): PortTransport {
  let closed = false;
  const closeListeners = new Set<() => void>();
  port.once('close', () => {
    closed = true;
    for (const listener of closeListeners) listener();
  });
  return {
    send(message: Envelope) {
      if (!closed) port.postMessage(message);
    },
    onMessage(handler) {
      const listener = (message: Envelope) => handler(message);
      port.on('message', listener);
      return () => port.off('message', listener);
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.add(listener);
    },
    close() {
      port.close();
    },
  };
}
