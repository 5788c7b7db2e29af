// Bybit v5 public kline stream: one websocket, `kline.{interval}.{symbol}` for every symbol, each
// subscribe request acknowledged, JSON ping every 20 s with a pong deadline, reconnect with
// exponential backoff and full jitter, resubscribe after every reconnect. A malformed frame is
// counted and dropped; nothing a server sends can crash the client.
import WebSocket from 'ws';
import type { ConnectionState, Interval } from '../../../shared/domain';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { parseKlineFrame, type KlineUpdate } from './kline-parse';

export interface StreamStatus {
  connection: ConnectionState;
  /** Why the stream is not (fully) live, for the user; null when all is well. */
  reason: string | null;
  /** Successful connections after the first. */
  reconnects: number;
  lastFrameAt: number | null;
  lastFrameLatencyMs: number | null;
  malformedFrames: number;
}

export interface KlineStreamOptions {
  wsUrl: string;
  symbols: readonly string[];
  interval: Interval;
  onKline: (update: KlineUpdate) => void;
  onStatus?: (status: StreamStatus) => void;
  /** Every subscribe request of this connection was acknowledged (also after each reconnect). */
  onSubscribed?: () => void;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  ackTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  reconnect?: Partial<BackoffPolicy>;
  /** Failed attempts in a row before the state says 'offline' rather than 'reconnecting'. */
  offlineAfterAttempts?: number;
  /** Topics per subscribe request (Bybit spot allows 10; linear more). */
  subscribeBatch?: number;
  now?: () => number;
  random?: () => number;
}

export const DEFAULT_RECONNECT: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

interface PendingAck {
  reqId: string;
  topics: string[];
}

export class BybitKlineStream {
  private readonly options: KlineStreamOptions;
  private readonly now: () => number;
  private readonly reconnectPolicy: BackoffPolicy;
  private readonly topics: string[];
  private socket: WebSocket | null = null;
  private stopped = true;
  private everLive = false;
  private failedAttempts = 0;
  private connections = 0;
  private requestSeq = 0;
  private pendingAcks: PendingAck[] = [];
  private refusedTopics = new Map<string, string>();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private pongDeadline: NodeJS.Timeout | null = null;
  private ackDeadline: NodeJS.Timeout | null = null;
  private lastError: string | null = null;
  private current: StreamStatus = {
    connection: 'idle',
    reason: null,
    reconnects: 0,
    lastFrameAt: null,
    lastFrameLatencyMs: null,
    malformedFrames: 0,
  };

  constructor(options: KlineStreamOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.reconnectPolicy = { ...DEFAULT_RECONNECT, ...options.reconnect };
    this.topics = options.symbols.map((s) => `kline.${options.interval}.${s}`);
  }

  status(): StreamStatus {
    return { ...this.current };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.setStatus({ connection: 'connecting', reason: null });
    this.connect();
  }

  /** Closes the socket and cancels every timer; no event follows except the final 'idle' status. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'client stop');
      socket.terminate();
    }
    this.setStatus({ connection: 'idle', reason: null });
  }

  private connect(): void {
    const url = this.options.wsUrl;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, { handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000 });
    } catch (err) {
      this.lastError = (err as Error).message;
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.on('open', () => this.onOpen(socket));
    socket.on('message', (data, isBinary) => {
      if (socket === this.socket) this.onMessage(data, isBinary);
    });
    socket.on('error', (err) => {
      if (socket === this.socket) this.lastError = describeSocketError(err);
    });
    socket.on('close', (code) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.clearTimers();
      if (this.stopped) return;
      if (!this.lastError) this.lastError = `connection closed (code ${code})`;
      this.scheduleReconnect();
    });
  }

  private onOpen(socket: WebSocket): void {
    if (socket !== this.socket) return;
    this.connections++;
    this.lastError = null;
    this.refusedTopics.clear();
    if (this.connections > 1) this.current.reconnects++;
    this.pendingAcks = [];
    const batch = Math.max(1, this.options.subscribeBatch ?? 10);
    for (let i = 0; i < this.topics.length; i += batch) {
      const topics = this.topics.slice(i, i + batch);
      const reqId = `sub-${this.connections}-${++this.requestSeq}`;
      this.pendingAcks.push({ reqId, topics });
      socket.send(JSON.stringify({ req_id: reqId, op: 'subscribe', args: topics }));
    }
    const ackTimeoutMs = this.options.ackTimeoutMs ?? 10_000;
    this.ackDeadline = setTimeout(() => {
      this.lastError = `no answer to the subscription within ${ackTimeoutMs} ms`;
      socket.terminate();
    }, ackTimeoutMs);
    this.pingTimer = setInterval(() => this.ping(socket), this.options.pingIntervalMs ?? 20_000);
    this.setStatus({ connection: 'connecting', reason: null });
  }

  private ping(socket: WebSocket): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ req_id: `ping-${++this.requestSeq}`, op: 'ping' }));
    if (this.pongDeadline) return;
    const pongTimeoutMs = this.options.pongTimeoutMs ?? 10_000;
    this.pongDeadline = setTimeout(() => {
      this.pongDeadline = null;
      this.lastError = `no pong within ${pongTimeoutMs} ms`;
      socket.terminate();
    }, pongTimeoutMs);
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const receivedAt = this.now();
    // Any frame proves the connection is alive.
    if (this.pongDeadline) {
      clearTimeout(this.pongDeadline);
      this.pongDeadline = null;
    }
    let frame: unknown;
    try {
      if (isBinary) throw new Error('binary');
      frame = JSON.parse(data.toString());
    } catch {
      this.current.malformedFrames++;
      return;
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      this.current.malformedFrames++;
      return;
    }
    const f = frame as Record<string, unknown>;
    if (typeof f.topic === 'string') {
      const updates = parseKlineFrame(frame, receivedAt);
      if (updates === null) {
        this.current.malformedFrames++;
        return;
      }
      for (const update of updates) {
        this.current.lastFrameAt = receivedAt;
        this.current.lastFrameLatencyMs = Math.max(0, receivedAt - update.exchangeTime);
        this.options.onKline(update);
      }
      return;
    }
    if (f.op === 'subscribe') this.onAck(f);
    // Pongs ({op:'ping', ret_msg:'pong'} or {op:'pong'}) need nothing beyond the liveness above.
  }

  private onAck(ack: Record<string, unknown>): void {
    const reqId = typeof ack.req_id === 'string' ? ack.req_id : '';
    // Bybit echoes req_id; a server that does not is answered in request order.
    const index = reqId ? this.pendingAcks.findIndex((p) => p.reqId === reqId) : 0;
    if (index < 0 || this.pendingAcks.length === 0) return;
    const [pending] = this.pendingAcks.splice(index, 1);
    const message = typeof ack.ret_msg === 'string' ? ack.ret_msg : '';
    if (ack.success !== true && !/already subscribed/i.test(message)) {
      const named = /topic:([\w.]+)/.exec(message)?.[1];
      for (const topic of named ? [named] : pending!.topics)
        this.refusedTopics.set(topic, message || 'refused');
    }
    if (this.pendingAcks.length > 0) return;
    if (this.ackDeadline) clearTimeout(this.ackDeadline);
    this.ackDeadline = null;
    this.everLive = true;
    this.failedAttempts = 0;
    this.setStatus({ connection: 'live', reason: this.refusalReason() });
    this.options.onSubscribed?.();
  }

  private refusalReason(): string | null {
    if (this.refusedTopics.size === 0) return null;
    const list = [...this.refusedTopics].map(([topic, why]) => `${topic} (${why})`).join(', ');
    return `The exchange refused the subscription to ${list}: check the symbol and interval.`;
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const attempt = this.failedAttempts++;
    const delay = backoffDelay(attempt, this.reconnectPolicy, this.options.random);
    // A blip is 'reconnecting'; after a few failed attempts in a row the exchange counts as offline.
    const offline = this.failedAttempts >= (this.options.offlineAfterAttempts ?? 3);
    const wait = delay < 1000 ? `${delay} ms` : `${(delay / 1000).toFixed(delay < 10_000 ? 1 : 0)} s`;
    const what = this.everLive ? 'Lost the connection to' : 'Cannot reach';
    this.setStatus({
      connection: offline ? 'offline' : 'reconnecting',
      reason: `${what} ${this.options.wsUrl} (${this.lastError ?? 'unknown error'}); retrying in ${wait} (attempt ${this.failedAttempts}).`,
    });
    this.lastError = null;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongDeadline) clearTimeout(this.pongDeadline);
    if (this.ackDeadline) clearTimeout(this.ackDeadline);
    this.pingTimer = this.pongDeadline = this.ackDeadline = null;
  }

  private setStatus(patch: Partial<StreamStatus>): void {
    this.current = { ...this.current, ...patch };
    this.options.onStatus?.(this.status());
  }
}

function describeSocketError(err: Error): string {
  const code = (err as { code?: string }).code;
  if (/Unexpected server response: (\d+)/.test(err.message))
    return `the server refused the connection (${err.message})`;
  return code ? `${code}` : err.message;
}
