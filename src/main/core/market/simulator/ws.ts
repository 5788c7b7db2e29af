// The websocket side of the simulated exchange: one path per category, per-connection subscription
// state, one ack per request echoing req_id, JSON pings answered with op "ping", an idle timeout that
// drops the TCP connection without a close frame, and fan-out of pre-serialised frames to subscribers.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { FaultInjector } from './faults';

export type WsCategory = 'linear' | 'spot' | 'inverse';

const PATHS: Record<string, WsCategory> = {
  '/v5/public/linear': 'linear',
  '/v5/public/spot': 'spot',
  '/v5/public/inverse': 'inverse',
};

/** Spot refuses subscribe requests with more than this many args (as Bybit's spot stream does). */
const SPOT_MAX_ARGS = 10;

export interface Connection {
  readonly id: string;
  readonly category: WsCategory;
  readonly socket: WebSocket;
  readonly topics: Set<string>;
  /** Real ms of the last client message (text or ping frame). */
  lastHeardAt: number;
  /** Per-bar fault plan: push step at which to cut the socket / send a malformed frame. */
  cutAt: number | null;
  malformedAt: number | null;
}

export interface WsHubOptions {
  isKnownTopic(topic: string): boolean;
  /** After the ack of a new subscription: e.g. the first `snapshot` of a tickers topic. */
  onSubscribed?(connection: Connection, topic: string): void;
  faults: FaultInjector;
  idleTimeoutMs: number;
  /** New connections allowed per window (Bybit: 500 per 5 min); beyond it upgrades get HTTP 503. */
  connectLimit: { maxConnections: number; windowMs: number } | null;
  wallNow(): number;
  stats: { wsConnections: number; wsRefused: number; framesSent: number };
}

export class WsHub {
  private readonly server = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 1 << 20,
  });
  private readonly connections = new Set<Connection>();
  private readonly subscribers = new Map<string, Set<Connection>>();
  private readonly idleSweep: NodeJS.Timeout;
  private connectWindowStart = 0;
  private connectWindowCount = 0;

  constructor(private readonly options: WsHubOptions) {
    const every = Math.max(10, Math.min(1000, Math.floor(options.idleTimeoutMs / 5)));
    this.idleSweep = setInterval(() => this.dropIdle(), every);
    this.idleSweep.unref();
  }

  /** Upgrade requests on the public paths; anything else is refused with 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    const category = PATHS[path];
    if (!category) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.overConnectLimit()) {
      this.options.stats.wsRefused++;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.options.faults.takeRefusal()) {
      this.options.stats.wsRefused++;
      // Alternate between a 503 answer and a plain reset, the two ways a loaded edge refuses.
      if (this.options.faults.uniform() < 0.5)
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
      return;
    }
    this.server.handleUpgrade(req, socket, head, (ws) => this.accept(ws, category));
  }

  /** Open connections (for per-connection faults). */
  all(): Iterable<Connection> {
    return this.connections;
  }

  subscriberCount(topic: string): number {
    return this.subscribers.get(topic)?.size ?? 0;
  }

  /** Sends one pre-serialised frame to every subscriber of `topic`; returns how many got it. */
  broadcast(topic: string, frame: string): number {
    const set = this.subscribers.get(topic);
    if (!set) return 0;
    let sent = 0;
    for (const connection of set) {
      if (this.send(connection, frame)) sent++;
    }
    return sent;
  }

  send(connection: Connection, frame: string): boolean {
    if (connection.socket.readyState !== connection.socket.OPEN) return false;
    connection.socket.send(frame);
    this.options.stats.framesSent++;
    return true;
  }

  /** Destroys the TCP socket without a close frame: the client sees 1006. */
  cut(connection: Connection): void {
    this.forget(connection);
    connection.socket.terminate();
  }

  async close(): Promise<void> {
    clearInterval(this.idleSweep);
    for (const connection of [...this.connections]) this.cut(connection);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private overConnectLimit(): boolean {
    const limit = this.options.connectLimit;
    if (!limit) return false;
    const now = this.options.wallNow();
    if (now - this.connectWindowStart >= limit.windowMs) {
      this.connectWindowStart = now;
      this.connectWindowCount = 0;
    }
    this.connectWindowCount++;
    return this.connectWindowCount > limit.maxConnections;
  }

  private accept(socket: WebSocket, category: WsCategory): void {
    const connection: Connection = {
      id: randomUUID(),
      category,
      socket,
      topics: new Set(),
      lastHeardAt: this.options.wallNow(),
      cutAt: null,
      malformedAt: null,
    };
    this.connections.add(connection);
    this.options.stats.wsConnections++;
    socket.on('message', (data: RawData) => {
      connection.lastHeardAt = this.options.wallNow();
      this.onMessage(connection, rawText(data));
    });
    // ws answers RFC 6455 pings itself; a ping still counts as life.
    socket.on('ping', () => {
      connection.lastHeardAt = this.options.wallNow();
    });
    socket.on('close', () => this.forget(connection));
    socket.on('error', () => this.forget(connection));
  }

  private forget(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    for (const topic of connection.topics) this.subscribers.get(topic)?.delete(connection);
    connection.topics.clear();
  }

  private dropIdle(): void {
    const now = this.options.wallNow();
    for (const connection of [...this.connections]) {
      if (now - connection.lastHeardAt >= this.options.idleTimeoutMs) this.cut(connection);
    }
  }

  private reply(connection: Connection, body: Record<string, unknown>): void {
    this.send(connection, JSON.stringify(body));
  }

  private onMessage(connection: Connection, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'invalid JSON';
      this.reply(connection, {
        success: false,
        ret_msg: `Failed to decode incoming data:${reason}`,
        conn_id: connection.id,
        req_id: '',
        op: '',
      });
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.reply(connection, {
        success: false,
        ret_msg: 'Failed to decode incoming data:not an object',
        conn_id: connection.id,
        req_id: '',
        op: '',
      });
      return;
    }
    const request = message as { op?: unknown; args?: unknown; req_id?: unknown };
    const hasReqId = request.req_id !== undefined && request.req_id !== null;
    const reqId = hasReqId ? String(request.req_id) : '';
    const op = typeof request.op === 'string' ? request.op : '';
    // Spot leaves req_id out when none was sent; linear and inverse echo "".
    const ack = (success: boolean, retMsg: string): Record<string, unknown> => {
      const body: Record<string, unknown> = { success, ret_msg: retMsg, conn_id: connection.id };
      if (connection.category !== 'spot' || hasReqId) body.req_id = reqId;
      body.op = op;
      return body;
    };
    switch (op) {
      case 'ping':
        this.reply(connection, ack(true, 'pong'));
        return;
      case 'subscribe':
      case 'unsubscribe': {
        const args = Array.isArray(request.args)
          ? request.args.filter((a): a is string => typeof a === 'string')
          : [];
        if (connection.category === 'spot' && op === 'subscribe' && args.length > SPOT_MAX_ARGS) {
          this.reply(connection, ack(false, `args size >${SPOT_MAX_ARGS}`));
          return;
        }
        const errors =
          op === 'subscribe' ? this.subscribe(connection, args) : this.unsubscribe(connection, args);
        const before = op === 'subscribe' ? new Set(connection.topics) : null;
        const okText = connection.category === 'spot' ? op : '';
        this.reply(connection, errors.length === 0 ? ack(true, okText) : ack(false, errors.join(';')));
        if (before && this.options.onSubscribed) {
          for (const topic of connection.topics)
            if (!before.has(topic)) this.options.onSubscribed(connection, topic);
        }
        return;
      }
      default:
        this.reply(connection, ack(false, 'error:invalid op'));
    }
  }

  /** Subscribes every known, new topic; returns the failure texts of the others. */
  private subscribe(connection: Connection, topics: string[]): string[] {
    const errors: string[] = [];
    for (const topic of topics) {
      if (!this.options.isKnownTopic(topic)) {
        errors.push(
          connection.category === 'spot'
            ? `Invalid symbol :[${topic}]`
            : `error:handler not found,topic:${topic}`,
        );
      } else if (connection.topics.has(topic)) {
        errors.push(`error:already subscribed,topic:${topic}`);
      } else {
        connection.topics.add(topic);
        let set = this.subscribers.get(topic);
        if (!set) this.subscribers.set(topic, (set = new Set()));
        set.add(connection);
      }
    }
    return errors;
  }

  /** Unsubscribing a topic that is not subscribed is accepted silently (the sheet leaves it open). */
  private unsubscribe(connection: Connection, topics: string[]): string[] {
    for (const topic of topics) {
      connection.topics.delete(topic);
      this.subscribers.get(topic)?.delete(connection);
    }
    return [];
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
