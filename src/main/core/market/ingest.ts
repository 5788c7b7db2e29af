// The gap-free live pipeline. Every websocket update is upserted (the store's write rules make late,
// duplicate and older updates harmless) and the confirm:true frame finalises its bar. What the
// socket can lose is recovered from REST: a bar whose confirm frame never came is fetched when the
// next bar starts, and after every (re)connect, once the subscriptions are acknowledged, every
// series is filled from its last confirmed candle up to the server's current bar. Frames that arrive
// in the same macrotask are written in one transaction, then announced through `onCandles`.
import type { Interval, SeriesKey } from '../../../shared/domain';
import { isCancelled } from '../../../shared/errors';
import type { CandlesRepo } from '../store/candles.repo';
import type { CandleWrite, SeriesBatch } from '../store/types';
import type { BybitRest } from './bybit-rest';
import { BybitKlineStream, type KlineStreamOptions, type StreamStatus } from './bybit-ws';
import { CandleEventFilter } from './candle-event-filter';
import { nextOpenTime, type KlineUpdate } from './kline-parse';
import { MAX_PAGE, windowsForMissing } from './paging';

/** Waits before each new try of a refused batch write, ms; then the bars are refilled from REST. */
const WRITE_RETRY_MS = [20, 100, 500];

export interface AppliedCandle {
  symbol: string;
  candle: CandleWrite;
  /** Local receive time of the websocket frame; null for candles from a REST gap fill. */
  receivedAt: number | null;
}

export interface IngestStatus extends StreamStatus {
  /** Gap fills running now. */
  fillsRunning: number;
  /** The last gap fill failure, for the user; null once a fill succeeds. */
  fillError: string | null;
}

export type StreamTuning = Pick<
  KlineStreamOptions,
  | 'pingIntervalMs'
  | 'pongTimeoutMs'
  | 'ackTimeoutMs'
  | 'handshakeTimeoutMs'
  | 'reconnect'
  | 'offlineAfterAttempts'
  | 'random'
>;

export interface LiveIngestOptions {
  feed: string;
  interval: Interval;
  symbols: readonly string[];
  wsUrl: string;
  repo: CandlesRepo;
  rest: BybitRest;
  /** Where a series with nothing stored starts (epoch ms); default: the newest `initialBars` bars. */
  startFrom?: number;
  initialBars?: number;
  /** Wait before retrying a failed gap fill, ms. */
  fillRetryMs?: number;
  stream?: StreamTuning;
  now?: () => number;
  /** Called after each committed batch with the candles that changed what a chart shows. */
  onCandles?: (candles: AppliedCandle[]) => void;
  onStatus?: (status: IngestStatus) => void;
  /** Unexpected failures (a write that threw); the ingest keeps running. */
  onError?: (err: unknown) => void;
}

interface SymbolState {
  key: SeriesKey;
  /** Newest bar seen on the socket and whether its confirm frame came. */
  lastOpen: number | null;
  lastConfirmed: boolean;
  /** Completeness is guaranteed from here on (confirmed bars); null until known. */
  anchor: number | null;
  filling: Promise<void> | null;
  fillAgain: boolean;
}

export class LiveIngest {
  private readonly options: LiveIngestOptions;
  private readonly stream: BybitKlineStream;
  private readonly symbols = new Map<string, SymbolState>();
  private readonly events = new CandleEventFilter();
  private readonly abort = new AbortController();
  private buffer: KlineUpdate[] = [];
  private flushScheduled: NodeJS.Immediate | null = null;
  private retryTimers = new Set<NodeJS.Timeout>();
  private fillError: string | null = null;
  private fillsRunning = 0;
  private stopped = false;
  private started = false;

  constructor(options: LiveIngestOptions) {
    this.options = options;
    for (const symbol of options.symbols) {
      const key = { feed: options.feed, symbol, interval: options.interval };
      const last = options.repo.lastConfirmed(key);
      this.symbols.set(symbol, {
        key,
        lastOpen: null,
        lastConfirmed: false,
        anchor: options.startFrom ?? last?.openTime ?? null,
        filling: null,
        fillAgain: false,
      });
    }
    this.stream = new BybitKlineStream({
      ...options.stream,
      wsUrl: options.wsUrl,
      symbols: options.symbols,
      interval: options.interval,
      now: options.now,
      onKline: (update) => this.onKline(update),
      onStatus: () => this.publishStatus(),
      onSubscribed: () => {
        this.flush();
        for (const symbol of this.symbols.keys()) this.requestFill(symbol);
      },
    });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stream.start();
  }

  status(): IngestStatus {
    return { ...this.stream.status(), fillsRunning: this.fillsRunning, fillError: this.fillError };
  }

  /** Fills every series up to the server's current bar now and resolves when all fills are done. */
  async fillGaps(): Promise<void> {
    this.flush();
    await Promise.all([...this.symbols.keys()].map((symbol) => this.requestFill(symbol)));
  }

  /** Stops the socket and the fills; frames already received are written first. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stream.stop();
    this.flush();
    this.abort.abort();
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await Promise.all([...this.symbols.values()].map((s) => s.filling?.catch(() => undefined)));
  }

  private onKline(update: KlineUpdate): void {
    const state = this.symbols.get(update.symbol);
    if (!state || update.interval !== this.options.interval || this.stopped) return;
    const openTime = update.candle.openTime;
    if (state.lastOpen === null || openTime > state.lastOpen) {
      // A new bar: if the previous one never got its confirm frame, or whole bars were skipped,
      // REST has them.
      const skipped =
        state.lastOpen !== null && openTime > nextOpenTime(state.lastOpen, this.options.interval);
      if (state.lastOpen !== null && (!state.lastConfirmed || skipped)) this.requestFill(update.symbol);
      state.lastOpen = openTime;
      state.lastConfirmed = update.candle.confirmed;
    } else if (openTime === state.lastOpen && update.candle.confirmed) {
      state.lastConfirmed = true;
    }
    this.buffer.push(update);
    this.flushScheduled ??= setImmediate(() => this.flush());
  }

  /** Writes the buffered frames in one transaction and announces what changed. */
  private flush(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = null;
    if (this.buffer.length === 0) return;
    const updates = this.buffer;
    this.buffer = [];
    const bySymbol = new Map<string, CandleWrite[]>();
    for (const u of updates) {
      let list = bySymbol.get(u.symbol);
      if (!list) bySymbol.set(u.symbol, (list = []));
      list.push(u.candle);
    }
    const batches: SeriesBatch[] = [];
    for (const [symbol, candles] of bySymbol) batches.push({ key: this.symbols.get(symbol)!.key, candles });
    this.writeBatch(updates, batches, 0);
  }

  /**
   * Writes one batch; a refused write (a locked or full database) is tried again a few times, and if
   * still refused its symbols are refilled from REST once the store takes writes again: the bars are
   * never dropped while marked as received.
   */
  private writeBatch(updates: KlineUpdate[], batches: SeriesBatch[], attempt: number): void {
    try {
      this.options.repo.upsertMany(batches);
    } catch (err) {
      if (this.stopped) return;
      if (attempt < WRITE_RETRY_MS.length) {
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          if (!this.stopped) this.writeBatch(updates, batches, attempt + 1);
        }, WRITE_RETRY_MS[attempt]);
        this.retryTimers.add(timer);
        return;
      }
      this.options.onError?.(err);
      for (const { key } of batches) {
        const state = this.symbols.get(key.symbol);
        if (state) state.lastConfirmed = false;
        void this.requestFill(key.symbol).catch(() => undefined);
      }
      return;
    }
    this.announce(updates.map((u) => ({ symbol: u.symbol, candle: u.candle, receivedAt: u.receivedAt })));
  }

  private announce(candles: AppliedCandle[]): void {
    const changed = candles.filter((c) => this.events.accept(c.symbol, c.candle));
    if (changed.length > 0) this.options.onCandles?.(changed);
  }

  /** Runs a gap fill for `symbol`, or one more after the running one; resolves when done. */
  private requestFill(symbol: string): Promise<void> {
    const state = this.symbols.get(symbol)!;
    if (this.stopped) return Promise.resolve();
    if (state.filling) {
      state.fillAgain = true;
      return state.filling;
    }
    state.filling = (async () => {
      this.fillsRunning++;
      this.publishStatus();
      try {
        do {
          state.fillAgain = false;
          await this.fill(state);
        } while (state.fillAgain && !this.stopped);
        this.fillError = null;
      } catch (err) {
        if (!this.stopped && !isCancelled(err)) {
          this.fillError = `Could not fill the gap in ${symbol} from ${this.options.rest.baseUrl}: ${(err as Error).message}`;
          const retryMs = this.options.fillRetryMs ?? 5_000;
          const timer = setTimeout(() => {
            this.retryTimers.delete(timer);
            void this.requestFill(symbol);
          }, retryMs);
          this.retryTimers.add(timer);
        }
      } finally {
        this.fillsRunning--;
        state.filling = null;
        this.publishStatus();
      }
    })();
    return state.filling;
  }

  /** Holes since the anchor, then every bar after the last confirmed one up to the server's now. */
  private async fill(state: SymbolState): Promise<void> {
    const { repo, rest, interval } = this.options;
    const signal = this.abort.signal;
    const symbol = state.key.symbol;
    const last = repo.lastConfirmed(state.key);
    if (state.anchor !== null && last !== null && state.anchor < last.openTime) {
      const holes = repo.missingOpenTimes(state.key, state.anchor, last.openTime);
      for (const window of windowsForMissing(holes, interval)) {
        const page = await rest.klines(symbol, interval, window.start, window.end, MAX_PAGE, signal);
        this.writePage(state, page.candles);
      }
    }
    const from = last ? nextOpenTime(last.openTime, interval) : state.anchor;
    if (from === null) {
      const page = await rest.klines(
        symbol,
        interval,
        undefined,
        undefined,
        this.options.initialBars ?? MAX_PAGE,
        signal,
      );
      const first = page.candles.find((c) => c.confirmed);
      if (first) state.anchor = first.openTime;
      this.writePage(state, page.candles, false);
      return;
    }
    for await (const page of rest.klinePages(symbol, interval, from, undefined, { signal })) {
      this.writePage(state, page.candles);
    }
    // Everything before the first bar still missing is complete: later fills need not look there.
    const newLast = repo.lastConfirmed(state.key);
    if (state.anchor !== null && newLast !== null && state.anchor < newLast.openTime) {
      state.anchor = repo.missingOpenTimes(state.key, state.anchor, newLast.openTime)[0] ?? newLast.openTime;
    }
  }

  private writePage(state: SeriesKeyHolder, candles: CandleWrite[], announce = true): void {
    if (candles.length === 0 || this.stopped) return;
    this.options.repo.upsert(state.key, candles);
    if (announce)
      this.announce(candles.map((candle) => ({ symbol: state.key.symbol, candle, receivedAt: null })));
  }

  private publishStatus(): void {
    this.options.onStatus?.(this.status());
  }
}

interface SeriesKeyHolder {
  key: SeriesKey;
}
