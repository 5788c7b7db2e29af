// Display timeframes of the candle chart: the stored bars of the app's interval, merged into coarser
// bars on screen (4h from 1h, say) without touching the stream or the store. A coarser bar opens at
// the exchange's boundary for its interval (UTC; weeks on Monday) and is the merge of the stored bars
// inside it: first open, highest high, lowest low, last close, summed volume and turnover.
import { INTERVALS, barOpenTime, intervalMs, type Candle, type Interval } from '../../../shared/domain';

/** A display bar should merge at most this many stored bars, so that the history still fills a chart. */
const MAX_MERGE = 50;

/** The timeframes the chart offers over stored bars of `base`: itself and its coarser whole multiples. */
export function timeframeChoices(base: Interval): Interval[] {
  const baseMs = intervalMs(base);
  return INTERVALS.filter((frame) => {
    // A month has no fixed length, so it is never a whole multiple of anything.
    if (frame === 'M' || base === 'M') return frame === base;
    const ratio = intervalMs(frame) / baseMs;
    return Number.isInteger(ratio) && ratio >= 1 && ratio <= MAX_MERGE;
  });
}

/** Merges bars (ascending, of one base interval) into bars of `frame`. Same bars when frame = base. */
export function resample(candles: readonly Candle[], frame: Interval): Candle[] {
  const out: Candle[] = [];
  for (const candle of candles) {
    const open = barOpenTime(candle.openTime, frame);
    const last = out[out.length - 1];
    if (last && last.openTime === open) out[out.length - 1] = merge(last, candle);
    else out.push({ ...candle, openTime: open });
  }
  return out;
}

function merge(bar: Candle, next: Candle): Candle {
  return {
    openTime: bar.openTime,
    open: bar.open,
    high: Math.max(bar.high, next.high),
    low: Math.min(bar.low, next.low),
    close: next.close,
    volume: bar.volume + next.volume,
    turnover: bar.turnover + next.turnover,
    // A coarser bar is final only once its last stored bar is.
    confirmed: next.confirmed,
  };
}

/**
 * The stored bars behind the display, kept so that a live bar (revised many times while it forms)
 * re-merges its display bar from scratch instead of adding its volume twice.
 */
export class TimeframeBook {
  private readonly base = new Map<number, Candle>();

  constructor(readonly frame: Interval) {}

  /** History, ascending: the display bars. */
  load(candles: readonly Candle[]): Candle[] {
    this.base.clear();
    for (const c of candles) this.base.set(c.openTime, c);
    return resample(candles, this.frame);
  }

  /** The stored bars held, ascending: what another timeframe is merged from. */
  stored(): Candle[] {
    return [...this.base.values()].sort((a, b) => a.openTime - b.openTime);
  }

  /** A live stored bar (new or revised): the display bar it belongs to, merged again. */
  accept(candle: Candle): Candle {
    this.base.set(candle.openTime, candle);
    const open = barOpenTime(candle.openTime, this.frame);
    const end = open + frameLength(this.frame, open);
    const inside = [...this.base.values()]
      .filter((c) => c.openTime >= open && c.openTime < end)
      .sort((a, b) => a.openTime - b.openTime);
    return resample(inside, this.frame)[0]!;
  }
}

/** How long the display bar opening at `open` lasts (a month's length depends on the month). */
function frameLength(frame: Interval, open: number): number {
  if (frame !== 'M') return intervalMs(frame);
  const d = new Date(open);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - open;
}
