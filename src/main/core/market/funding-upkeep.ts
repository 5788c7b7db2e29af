// Keeps the stored funding history current while a stream runs. The `tickers.{symbol}` topic says
// when the next funding time is (and the rate predicted for it); once the exchange's clock has passed
// a funding time, the settled rate is confirmed from REST (/v5/market/funding/history) and stored, and
// the checked span grows only when the record of that time has come back (retried every few seconds
// while the exchange has not published it). Paper trading waits for it (paper.ts).
import type { FundingRepo } from '../store/funding.repo';
import type { InstrumentsRepo } from '../store/instruments.repo';
import type { BybitRest } from './bybit-rest';
import { backfillFunding } from './funding-backfill';
import { TickerStream, type Ticker } from './ticker-stream';

export interface FundingUpkeepOptions {
  feed: string;
  symbols: readonly string[];
  wsUrl: string;
  rest: BybitRest;
  funding: FundingRepo;
  instruments?: InstrumentsRepo;
  /** The exchange's clock (the embedded simulator runs fast). */
  now: () => number;
  /** Wait between tries while a funding record is not yet published; default 3000 ms. */
  retryMs?: number;
  onError?: (err: unknown) => void;
  /** The oldest stored candle of the stream's series: funding is kept from there on (null: none yet). */
  historyFrom?: (symbol: string) => number | null;
  /** Called after each rate stored, for tests and the status. */
  onConfirmed?: (symbol: string, fundingTime: number) => void;
}

const DEFAULT_INTERVAL_MINUTES = 480;

export class FundingUpkeep {
  private readonly stream: TickerStream;
  private readonly busy = new Set<string>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: FundingUpkeepOptions) {
    this.stream = new TickerStream({
      wsUrl: options.wsUrl,
      symbols: options.symbols,
      onTicker: (ticker) => this.onTicker(ticker),
    });
  }

  start(): void {
    this.stream.start();
    for (const symbol of this.options.symbols) void this.confirm(symbol);
  }

  stop(): void {
    this.stopped = true;
    this.stream.stop();
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
  }

  /** The current ticker (predicted funding rate, next funding time) of a symbol, or null. */
  ticker(symbol: string): Ticker | null {
    return this.stream.current(symbol);
  }

  private onTicker(ticker: Ticker): void {
    // Each ticker frame is a cheap check: a request goes out only once a funding time has passed.
    void this.confirm(ticker.symbol);
  }

  /** The newest funding time at or before the exchange's now. */
  private lastFundingTime(symbol: string, now: number): number {
    const minutes =
      this.options.instruments?.get(this.options.feed, symbol)?.fundingIntervalMinutes ??
      DEFAULT_INTERVAL_MINUTES;
    const every = minutes * 60_000;
    const next = this.stream.current(symbol)?.nextFundingTime;
    // The ticker's next funding time is the exchange's word; the interval is the fallback.
    if (next != null && next > now) return next - every;
    return Math.floor(now / every) * every;
  }

  private async confirm(symbol: string): Promise<void> {
    if (this.stopped || this.busy.has(symbol) || this.retries.has(symbol)) return;
    const { funding, feed } = this.options;
    const now = this.options.now();
    const last = this.lastFundingTime(symbol, now);
    const coverage = funding.coverage(feed, symbol);
    const history = this.options.historyFrom?.(symbol) ?? null;
    const checkedTo = coverage.checkedTo;
    const behind = history !== null && (coverage.checkedFrom === null || history < coverage.checkedFrom);
    if (checkedTo !== null && checkedTo >= last && !behind) return;
    this.busy.add(symbol);
    try {
      const result = await backfillFunding(funding, this.options.rest, {
        feed,
        symbol,
        // From the stream's stored history (the part before the span is fetched too), else from the
        // funding time just passed on.
        from: history ?? (checkedTo === null ? last : checkedTo + 1),
        to: last,
        launchTimeMs: this.options.instruments?.get(feed, symbol)?.launchTimeMs ?? 0,
        requireRecordAt: last,
      });
      if (result.complete) this.options.onConfirmed?.(symbol, last);
      else this.retryLater(symbol);
    } catch (err) {
      if (!this.stopped) {
        this.options.onError?.(err);
        this.retryLater(symbol);
      }
    } finally {
      this.busy.delete(symbol);
    }
  }

  private retryLater(symbol: string): void {
    if (this.stopped) return;
    this.retries.set(
      symbol,
      setTimeout(() => {
        this.retries.delete(symbol);
        void this.confirm(symbol);
      }, this.options.retryMs ?? 3000),
    );
  }
}
