// What the preload bridge puts on `window` in the desktop app. In a browser tab (the headless host)
// `window.crossdesk` is absent and the renderer talks to the core over WebSocket instead.
export interface CrossDeskBridgeError {
  code: string;
  message: string;
  details?: unknown;
}

export interface CrossDeskBridge {
  /** Resolves with the result, or rejects with a CrossDeskBridgeError. */
  call(method: string, params: unknown): Promise<unknown>;
  /** Returns an unsubscribe function. */
  on(topic: string, handler: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    crossdesk?: CrossDeskBridge;
  }
}
