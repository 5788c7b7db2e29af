// Two in-memory RPC transports wired to each other; every envelope crosses as JSON text on a later
// turn, as on a wire. For running `serve` and `createClient` in one process.
import type { Envelope, Transport } from '../../src/shared/rpc';

export function memoryPair(): [Transport, Transport] {
  const handlers: [Set<(m: Envelope) => void>, Set<(m: Envelope) => void>] = [new Set(), new Set()];
  const side = (mine: 0 | 1): Transport => ({
    send(message) {
      const text = JSON.stringify(message);
      queueMicrotask(() => {
        for (const handler of handlers[1 - mine]!) handler(JSON.parse(text) as Envelope);
      });
    },
    onMessage(handler) {
      handlers[mine].add(handler);
      return () => handlers[mine].delete(handler);
    },
  });
  return [side(0), side(1)];
}
