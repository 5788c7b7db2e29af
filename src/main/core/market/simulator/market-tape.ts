// The tape: every bar the simulated exchange has produced (history + live), the bar forming now with
// its latest partial state, and the schedule of pushes within a bar. Pure bookkeeping over a
// candle source and a simulated time passed in; the server turns its events into frames.
import type { Candle, Interval } from '../../../../shared/domain';
import { addBars, barEnd } from './bar-time';
import { hashSeed, mulberry32, type Rng } from './prng';
import { partialCandle, type PartialPrecision } from './synthetic';

/** Yields the final (confirmed) candles of bar 0, 1, 2… of every symbol; undefined when exhausted. */
export type CandleSource = () => Record<string, Candle> | undefined;

export type TapeEvent =
  /** A new bar starts forming (its first partial state is the opening state: no trades yet). */
  | { kind: 'open'; index: number; openTime: number }
  /** A confirm:false update: `step` is 1..updatesPerBar; `timestamp` is the simulated time of its last trade. */
  | { kind: 'partial'; index: number; step: number; timestamp: number; candles: Record<string, Candle> }
  /** The bar closed: `candles` are its final values, now part of the truth. */
  | { kind: 'confirm'; index: number; timestamp: number; candles: Record<string, Candle> };

export interface TapeOptions {
  symbols: readonly string[];
  interval: Interval;
  /** Open time of bar 0 (the oldest history bar), aligned. */
  firstOpenTime: number;
  /** Bars closed before the simulation starts. */
  historyBars: number;
  source: CandleSource;
  updatesPerBar: number;
  precision: Record<string, PartialPrecision>;
  seed: number;
  /** Stop after this many live bars have closed. */
  maxLiveBars?: number;
}

interface Forming {
  index: number;
  openTime: number;
  /** Open time of the next bar: the moment this one closes. */
  closeTime: number;
  /** Partial steps already applied. */
  step: number;
  state: Record<string, Candle>;
  rngs: Record<string, Rng>;
}

export class MarketTape {
  /** Final candles per symbol, generated on demand; the first `closedCount` are closed. */
  private readonly finals: Record<string, Candle[]>;
  private closedCount = 0;
  private forming: Forming | null = null;
  private sourceDone = false;

  constructor(private readonly options: TapeOptions) {
    this.finals = Object.fromEntries(options.symbols.map((s) => [s, [] as Candle[]]));
    if (!this.ensure(options.historyBars - 1) && options.historyBars > 0) {
      throw new Error('simulator: the candle source ended inside the history');
    }
    this.closedCount = options.historyBars;
  }

  get closedBars(): number {
    return this.closedCount;
  }

  get liveBars(): number {
    return this.closedCount - this.options.historyBars;
  }

  /** True once no further bar will ever form (source exhausted or maxLiveBars reached). */
  get finished(): boolean {
    return this.forming === null && !this.canOpen(this.closedCount);
  }

  openTime(index: number): number {
    return addBars(this.options.firstOpenTime, index, this.options.interval);
  }

  /** Every closed candle of `symbol`, ascending. */
  closed(symbol: string): Candle[] {
    return (this.finals[symbol] ?? []).slice(0, this.closedCount);
  }

  /** Closed candle `index` of `symbol` (undefined unless closed). */
  closedAt(symbol: string, index: number): Candle | undefined {
    return index < this.closedCount ? this.finals[symbol]?.[index] : undefined;
  }

  /** Index of the bar forming now and its latest partial state, if a bar is forming. */
  formingState(symbol: string): { index: number; candle: Candle } | undefined {
    const f = this.forming;
    const candle = f?.state[symbol];
    return f && candle ? { index: f.index, candle } : undefined;
  }

  /** Simulated time of the next event, or null when the tape is finished. */
  nextEventTime(): number | null {
    const f = this.forming;
    if (!f) return this.canOpen(this.closedCount) ? this.openTime(this.closedCount) : null;
    return this.stepTime(f, f.step + 1);
  }

  /** Simulated time when the tape stops producing bars (close of the last bar), or null. */
  endTime(): number | null {
    return this.finished ? this.openTime(this.closedCount) : null;
  }

  /** Applies every event due at `now`, in order. */
  advance(now: number, emit: (event: TapeEvent) => void): void {
    for (;;) {
      if (!this.forming) {
        if (!this.canOpen(this.closedCount) || this.openTime(this.closedCount) > now) return;
        this.open(this.closedCount);
        emit({ kind: 'open', index: this.closedCount, openTime: this.forming!.openTime });
        continue;
      }
      const f = this.forming;
      const next = f.step + 1;
      const due = this.stepTime(f, next);
      if (due > now) return;
      if (next <= this.options.updatesPerBar) {
        f.step = next;
        // A far-behind clock (a stalled event loop) skips stale partials of long-closed bars.
        if (now >= f.closeTime + (f.closeTime - f.openTime)) continue;
        const fraction = next / (this.options.updatesPerBar + 1);
        const candles: Record<string, Candle> = {};
        for (const symbol of this.options.symbols) {
          const final = this.finals[symbol]![f.index]!;
          const updated = partialCandle(
            final,
            fraction,
            f.rngs[symbol]!,
            f.state[symbol],
            this.options.precision[symbol],
          );
          f.state[symbol] = updated;
          candles[symbol] = updated;
        }
        emit({ kind: 'partial', index: f.index, step: next, timestamp: due, candles });
        continue;
      }
      const candles: Record<string, Candle> = {};
      for (const symbol of this.options.symbols) candles[symbol] = this.finals[symbol]![f.index]!;
      this.closedCount = f.index + 1;
      this.forming = null;
      emit({
        kind: 'confirm',
        index: f.index,
        timestamp: barEnd(f.openTime, this.options.interval),
        candles,
      });
    }
  }

  private stepTime(f: Forming, step: number): number {
    if (step > this.options.updatesPerBar) return f.closeTime;
    return f.openTime + Math.floor(((f.closeTime - f.openTime) * step) / (this.options.updatesPerBar + 1));
  }

  private canOpen(index: number): boolean {
    const { maxLiveBars, historyBars } = this.options;
    if (maxLiveBars !== undefined && index - historyBars >= maxLiveBars) return false;
    return this.ensure(index);
  }

  private open(index: number): void {
    const openTime = this.openTime(index);
    const state: Record<string, Candle> = {};
    const rngs: Record<string, Rng> = {};
    for (const symbol of this.options.symbols) {
      const final = this.finals[symbol]![index]!;
      // The opening state: no trade yet, so O=H=L=C and no volume.
      state[symbol] = {
        openTime,
        open: final.open,
        high: final.open,
        low: final.open,
        close: final.open,
        volume: 0,
        turnover: 0,
        confirmed: false,
      };
      rngs[symbol] = mulberry32(hashSeed(this.options.seed, 'partial', symbol, index));
    }
    this.forming = { index, openTime, closeTime: this.openTime(index + 1), step: 0, state, rngs };
  }

  /** Makes bars 0..index exist; false when the source ends first. */
  private ensure(index: number): boolean {
    const first = this.options.symbols[0];
    if (first === undefined) return false;
    while (this.finals[first]!.length <= index) {
      if (this.sourceDone) return false;
      const bar = this.options.source();
      if (!bar) {
        this.sourceDone = true;
        return false;
      }
      const expected = this.openTime(this.finals[first]!.length);
      for (const symbol of this.options.symbols) {
        const candle = bar[symbol];
        if (!candle || candle.openTime !== expected) {
          throw new Error(
            `simulator: ${symbol} has no candle opening at ${new Date(expected).toISOString()}; series must be aligned and gap-free`,
          );
        }
        this.finals[symbol]!.push({ ...candle, confirmed: true });
      }
    }
    return true;
  }
}
