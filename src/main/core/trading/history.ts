// Per-symbol bar history that grows one bar at a time. The engine appends each bar as it closes, so the
// buffers never hold a future bar: a strategy cannot look ahead even by mistake. Columnar Float64Arrays
// with doubling capacity keep the append O(1) amortised and allocation-free on the hot path.
import type { SeriesView } from './types';

const INITIAL_CAPACITY = 256;

export class SeriesBuffer implements SeriesView {
  length = 0;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;

  /**
   * @param maxLength when set (paper trading runs forever), the oldest bars are dropped once the buffer
   *   holds 2 x maxLength, keeping the newest maxLength; indices shift, so strategies index from the end.
   */
  constructor(private readonly maxLength = 0) {
    const capacity = maxLength > 0 ? Math.min(INITIAL_CAPACITY, 2 * maxLength) : INITIAL_CAPACITY;
    this.time = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.length === this.time.length) this.makeRoom();
    const i = this.length++;
    this.time[i] = time;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
  }

  /** Time of the newest bar, or -Infinity when empty. */
  lastTime(): number {
    return this.length === 0 ? -Infinity : this.time[this.length - 1]!;
  }

  private makeRoom(): void {
    const capacity = this.time.length;
    if (this.maxLength > 0 && capacity >= 2 * this.maxLength) {
      // Keep the newest maxLength bars at the front; copyWithin moves them without allocating.
      const drop = this.length - this.maxLength;
      for (const column of [this.time, this.open, this.high, this.low, this.close, this.volume]) {
        column.copyWithin(0, drop, this.length);
        column.fill(0, this.maxLength);
      }
      this.length = this.maxLength;
      return;
    }
    const next = this.maxLength > 0 ? Math.min(capacity * 2, 2 * this.maxLength) : capacity * 2;
    this.time = grow(this.time, next);
    this.open = grow(this.open, next);
    this.high = grow(this.high, next);
    this.low = grow(this.low, next);
    this.close = grow(this.close, next);
    this.volume = grow(this.volume, next);
  }
}

function grow(column: Float64Array, capacity: number): Float64Array {
  const next = new Float64Array(capacity);
  next.set(column);
  return next;
}

/**
 * Rolling standard deviation of the last `window` close-to-close log returns, updated per bar in O(1).
 * Feeds the volatility-scaled slippage.
 */
export class RollingVolatility {
  private readonly values: Float64Array;
  private count = 0;
  private next = 0;
  private sum = 0;
  private sumSquares = 0;
  private lastClose = NaN;

  constructor(private readonly window: number) {
    this.values = new Float64Array(Math.max(1, window));
  }

  push(close: number): void {
    const previous = this.lastClose;
    this.lastClose = close;
    if (!(previous > 0) || !(close > 0)) return;
    const r = Math.log(close / previous);
    if (this.count === this.window) {
      const old = this.values[this.next]!;
      this.sum -= old;
      this.sumSquares -= old * old;
    } else {
      this.count++;
    }
    this.values[this.next] = r;
    this.next = (this.next + 1) % this.window;
    this.sum += r;
    this.sumSquares += r * r;
  }

  /** Sample standard deviation, or 0 before two returns are known. */
  value(): number {
    if (this.count < 2) return 0;
    const mean = this.sum / this.count;
    const variance = (this.sumSquares - this.count * mean * mean) / (this.count - 1);
    return variance > 0 ? Math.sqrt(variance) : 0;
  }
}
