// The `tickers.{symbol}` topic of Bybit's public linear stream, for funding: a snapshot on subscribe,
// then deltas carrying only the changed fields, merged here into the current ticker per symbol
// (fundingRate: the rate predicted for nextFundingTime; markPrice). Its own socket, so the kline
// stream's subscriptions and acks stay as they are; pings every 20 s, reconnects with backoff and
// resubscribes. It only informs: settled rates always come from REST (funding-upkeep.ts).
import WebSocket from 'ws';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { DEFAULT_RECONNECT } from './bybit-ws';

export interface Ticker {
  symbol: string;
  /** Predicted rate of the next funding time. */
  fundingRate: number | null;
  nextFundingTime: number | null;
  markPrice: number | null;
  /** Exchange time of the last frame that changed it. */
  updatedAt: number;
}

export interface TickerStreamOptions {
  wsUrl: string;
  symbols: readonly string[];
  onTicker: (ticker: Ticker) => void;
  pingIntervalMs?: number;
  reconnect?: Partial<BackoffPolicy>;
  random?: () => number;
}

export class TickerStream {
  private socket: WebSocket | null = null;
  private stopped = true;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private readonly tickers = new Map<string, Ticker>();
  private readonly policy: BackoffPolicy;

  constructor(private readonly options: TickerStreamOptions) {
    this.policy = { ...DEFAULT_RECONNECT, ...options.reconnect };
  }

  current(symbol: string): Ticker | null {
    return this.tickers.get(symbol) ?? null;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.reconnectTimer = null;
    this.pingTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
    }
  }

  private connect(): void {
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.wsUrl, { handshakeTimeout: 10_000 });
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.on('open', () => {
      this.attempts = 0;
      socket.send(
        JSON.stringify({
          req_id: 'tickers',
          op: 'subscribe',
          args: this.options.symbols.map((s) => `tickers.${s}`),
        }),
      );
      this.pingTimer = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ op: 'ping' }));
      }, this.options.pingIntervalMs ?? 20_000);
    });
    socket.on('message', (data, isBinary) => {
      if (socket === this.socket && !isBinary) this.onMessage(data.toString());
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (socket !== this.socket) return;
      this.socket = null;
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = null;
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const wait = backoffDelay(this.attempts++, this.policy, this.options.random);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, wait);
  }

  private onMessage(text: string): void {
    let frame: { topic?: unknown; type?: unknown; data?: unknown; ts?: unknown };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      return;
    }
    if (typeof frame.topic !== 'string' || !frame.topic.startsWith('tickers.')) return;
    const data = frame.data as Record<string, unknown> | null;
    if (!data || typeof data !== 'object') return;
    const symbol = frame.topic.slice('tickers.'.length);
    const before: Ticker =
      frame.type === 'snapshot' || !this.tickers.has(symbol)
        ? { symbol, fundingRate: null, nextFundingTime: null, markPrice: null, updatedAt: 0 }
        : this.tickers.get(symbol)!;
    const num = (v: unknown, old: number | null): number | null => {
      if (v === undefined || v === '') return old;
      const n = Number(v);
      return Number.isFinite(n) ? n : old;
    };
    const next: Ticker = {
      symbol,
      fundingRate: num(data.fundingRate, before.fundingRate),
      nextFundingTime: num(data.nextFundingTime, before.nextFundingTime),
      markPrice: num(data.markPrice, before.markPrice),
      updatedAt: typeof frame.ts === 'number' ? frame.ts : before.updatedAt,
    };
    this.tickers.set(symbol, next);
    this.options.onTicker(next);
  }
}
