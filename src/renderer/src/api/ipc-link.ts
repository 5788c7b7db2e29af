// The renderer's Transport in the desktop app: the preload's envelope port (`window.crossdesk`). Frames
// are JSON text, like the WebSocket's, decoded with the same parseEnvelope; the page subscribes to the
// port once and fans out to the client. Calls, cancels, replies and events are the WebSocket path's.
import type { CrossDeskEnvelopePort } from '../../../preload/envelope-port';
import { parseEnvelope, type Envelope, type Transport } from '../../../shared/rpc';

/** The preload's port when this page runs in the desktop app, else null (a browser tab). */
export function findEnvelopePort(scope: object = globalThis): CrossDeskEnvelopePort | null {
  const candidate = (scope as { crossdesk?: Partial<CrossDeskEnvelopePort> }).crossdesk;
  return candidate && typeof candidate.send === 'function' && typeof candidate.onMessage === 'function'
    ? (candidate as CrossDeskEnvelopePort)
    : null;
}

export function ipcLink(port: CrossDeskEnvelopePort): Transport {
  const handlers = new Set<(message: Envelope) => void>();
  port.onMessage((frame) => {
    const message = parseEnvelope(frame);
    if (message.t === 'malformed') return; // a malformed frame must not break the page
    for (const handler of handlers) handler(message);
  });
  return {
    send: (message) => port.send(JSON.stringify(message)),
    onMessage(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
