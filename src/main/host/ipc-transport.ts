// Electron IPC as an RPC Transport, on the main thread: one per window's page. Frames are JSON text,
// decoded with the same parseEnvelope as the WebSocket's (ws-transport.ts), so both hosts accept and
// refuse exactly the same envelopes. Typed structurally so that host/ does not import electron.
import { parseEnvelope, type Envelope, type Transport } from '../../shared/rpc';
import { ENVELOPE_CHANNEL } from '../../shared/envelope-channel';

/** The part of Electron's WebContents this transport uses. */
export interface EnvelopeSink {
  send(channel: string, frame: string): void;
  isDestroyed(): boolean;
}

export interface IpcTransport extends Transport {
  /** Hands over one frame the page sent (ipcMain's listener calls this for its window only). */
  receive(frame: unknown): void;
}

export function ipcTransport(
  contents: EnvelopeSink,
  log: (line: string) => void = console.error,
): IpcTransport {
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
      const message = typeof frame === 'string' ? parseEnvelope(frame) : null;
      if (!message) {
        log(`rpc: ignored a malformed IPC frame (${describe(frame)})`);
        return;
      }
      for (const handler of handlers) handler(message);
    },
  };
}

function describe(frame: unknown): string {
  if (typeof frame !== 'string') return typeof frame;
  return frame.length > 80 ? `${frame.slice(0, 80)}…` : frame;
}
