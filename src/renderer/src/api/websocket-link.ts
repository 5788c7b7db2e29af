// The WebSocket transport to the headless host: `/rpc?token=T` on the page's own host. Reconnects with
// exponential backoff and jitter; requests made while the socket is down wait for the next open, and
// every call still unanswered when a socket drops (or an attempt fails) is failed with a NETWORK error,
// so no view waits forever. Views reload on the next `epoch`.
import { parseEnvelope, type Envelope, type Transport } from '../../../shared/rpc';
import type { CoreErrorShape } from '../../../shared/errors';
import type { LinkStore } from './link';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

export class WebSocketLink implements Transport {
  private socket: WebSocket | null = null;
  private readonly queue: Envelope[] = [];
  private readonly handlers = new Set<(message: Envelope) => void>();
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Set by the owner: rejects the client's pending calls. */
  onDrop: (error: CoreErrorShape) => void = () => {};

  constructor(
    private readonly url: string,
    private readonly store: LinkStore,
  ) {}

  start(): void {
    this.connect();
  }

  send(message: Envelope): void {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    } else if (message.t === 'req' && this.closed) {
      const error = {
        code: 'NETWORK',
        message: this.store.get().reason ?? 'Not connected to the CrossDesk core.',
      };
      queueMicrotask(() => this.deliver({ t: 'err', id: message.id, error }));
    } else if (message.t === 'req') {
      this.queue.push(message);
    }
    // A cancel for a call that never left is moot: the drop rejects it anyway.
  }

  onMessage(handler: (message: Envelope) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'page closed');
  }

  private deliver(message: Envelope): void {
    for (const handler of this.handlers) handler(message);
  }

  /** Why the last socket closed, kept so the banner still says it while the next attempt runs. */
  private lastWhy: string | null = null;

  private connect(): void {
    this.store.update({ state: 'connecting', reason: this.lastWhy && `${this.lastWhy} Reconnecting now…` });
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = FIRST_RETRY_MS;
      this.store.update({ state: 'connected', reason: null, epoch: this.store.get().epoch + 1 });
      for (const message of this.queue.splice(0)) socket.send(JSON.stringify(message));
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      const message = parseEnvelope(event.data);
      if (message.t !== 'malformed') this.deliver(message); // a malformed frame must not break the page
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      const wasOpen = this.store.get().state === 'connected';
      const why = describeClose(event, wasOpen);
      this.lastWhy = why;
      this.queue.length = 0;
      this.onDrop({ code: 'NETWORK', message: `${why} The call was not completed; it will be retried.` });
      if (this.closed) return;
      const delay = Math.round(this.retryMs * (0.75 + Math.random() * 0.5));
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      this.store.update({
        state: 'disconnected',
        reason: `${why} Reconnecting in ${(delay / 1000).toFixed(1)} s.`,
      });
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }
}

function describeClose(event: CloseEvent, wasOpen: boolean): string {
  if (event.code === 4401 || event.code === 1008) {
    return 'The core refused this page’s access token: open the URL printed by `npm run serve`.';
  }
  if (event.reason) return `The core closed the connection: ${event.reason}.`;
  return wasOpen
    ? 'Lost the connection to the CrossDesk core.'
    : 'Cannot reach the CrossDesk core: is `npm run serve` still running? This tab reconnects when it runs again on the same data directory and port.';
}
