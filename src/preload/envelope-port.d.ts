// What the preload puts on `window` in the desktop app: an envelope transport and nothing else. In a
// browser tab (the headless host) `window.crossdesk` is absent and the renderer opens a WebSocket.
// Either way the renderer runs the same createClient (shared/rpc.ts) over it.
export interface CrossDeskEnvelopePort {
  /** Sends one envelope, as JSON text (the same frame the WebSocket carries). */
  send(frame: string): void;
  /** Receives every envelope from the core, as JSON text; returns an unsubscribe function. */
  onMessage(handler: (frame: string) => void): () => void;
}

declare global {
  interface Window {
    crossdesk?: CrossDeskEnvelopePort;
  }
}
