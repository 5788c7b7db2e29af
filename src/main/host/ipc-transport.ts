// Electron IPC as an RPC Transport, on the main thread: one per window's page. Frames are JSON text,
// decoded with the same parseEnvelope as the WebSocket's (ws-transport.ts), so both hosts accept and
// refuse exactly the same envelopes. Typed structurally so that host/ does not import electron.
import { parseEnvelope, type Envelope, type Transport } from '../../shared/rpc';
import { ENVELOPE_CHANNEL } from '../../shared/envelope-channel';
import { MAX_FRAME_BYTES } from './ws-transport';

/** The part of Electron's WebContents this transport uses. */
export interface EnvelopeSink {
  send(channel: string, frame: string): void;
  isDestroyed(): boolean;
}

export interface IpcTransport extends Transport {
  /** Hands over one frame the page sent (ipcMain's listener calls this for its window only). */
  receive(frame: unknown): void;
}

export function ipcTransport(contents: EnvelopeSink): IpcTransport {
  const handlers = new Set<(message: Envelope) => void>();
  return {
    send(message) {
      if (!contents.isDestroyed()) contents.send(ENVELOPE_CHANNEL, JSON.stringify(message));
    },
    onMessage(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    receive(frame) {
      // Decoded as the WebSocket's text frames are, with the same size cap: a malformed or oversized
      // frame reaches `serve` as a MalformedFrame, which answers it.
      let message: Envelope;
      if (typeof frame !== 'string')
        message = { t: 'malformed', id: null, reason: 'IPC frames are JSON text envelopes.' };
      else if (Buffer.byteLength(frame) > MAX_FRAME_BYTES)
        message = { t: 'malformed', id: null, reason: `The frame is larger than ${MAX_FRAME_BYTES} bytes.` };
      else message = parseEnvelope(frame);
      for (const handler of handlers) handler(message);
    },
  };
}
