// Aligns the stored candles of N symbols on one time grid. The model needs every symbol at every bar:
// a missing, duplicated or off-grid bar is an error that names the symbol and the time, never a
// silent fill. Only the ranges' edges are trimmed to the common span (the intersection).
import { barOpenTime, intervalMs, type Candle, type Interval } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';

export interface SymbolCandles {
  symbol: string;
  /** Ascending by open time. A trailing unconfirmed (forming) bar is ignored. */
  candles: readonly Candle[];
}

export interface AlignedCandles {
  symbols: string[];
  interval: Interval;
  /** Open times of the common bars, ascending. */
  times: number[];
  /** candles[asset][bar], every asset on `times`. */
  candles: Candle[][];
}

/** Open time of the bar after the one opening at `openTime`. Months step by calendar. */
export function nextOpenTime(openTime: number, interval: Interval): number {
  if (interval === 'M') {
    const d = new Date(openTime);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return openTime + intervalMs(interval);
}

function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}

function confirmedOnly(series: SymbolCandles): readonly Candle[] {
  const { candles, symbol } = series;
  const last = candles[candles.length - 1];
  const trimmed = last && !last.confirmed ? candles.slice(0, -1) : candles;
  for (const c of trimmed) {
    if (!c.confirmed) {
      throw new CoreError(
        'DATA_INCOMPLETE',
        `${symbol}: the bar at ${iso(c.openTime)} is not closed but later bars are; backfill the series again.`,
        { symbol, time: c.openTime },
      );
    }
  }
  return trimmed;
}

/** Checks that one symbol's bars are contiguous on the interval grid. */
function assertContiguous(symbol: string, candles: readonly Candle[], interval: Interval): void {
  const first = candles[0]!.openTime;
  if (barOpenTime(first, interval) !== first) {
    throw new CoreError(
      'DATA_INCOMPLETE',
      `${symbol}: the bar at ${iso(first)} does not open on the ${interval} interval's grid.`,
      { symbol, time: first },
    );
  }
  for (let i = 1; i < candles.length; i++) {
    const expected = nextOpenTime(candles[i - 1]!.openTime, interval);
    const actual = candles[i]!.openTime;
    if (actual !== expected) {
      const problem =
        actual < expected
          ? `a duplicated or out-of-order bar at ${iso(actual)}`
          : `the bar at ${iso(expected)} is missing`;
      throw new CoreError(
        'DATA_INCOMPLETE',
        `${symbol}: ${problem} (interval ${interval}); backfill the gap before training or predicting.`,
        { symbol, time: actual < expected ? actual : expected },
      );
    }
  }
}

/**
 * Candles of every symbol on their common span. Throws DATA_INCOMPLETE (naming symbol and time) for a
 * gap, a duplicate, a bar off another symbol's grid, or when the symbols share no bar at all.
 */
export function alignCandles(series: readonly SymbolCandles[], interval: Interval): AlignedCandles {
  if (series.length === 0) throw new CoreError('INVALID_PARAMS', 'Give at least one symbol.');
  const cleaned = series.map((s) => ({ symbol: s.symbol, candles: confirmedOnly(s) }));
  for (const s of cleaned) {
    if (s.candles.length === 0) {
      throw new CoreError(
        'DATA_INCOMPLETE',
        `${s.symbol}: no closed candles in the range; backfill it first.`,
        {
          symbol: s.symbol,
        },
      );
    }
    assertContiguous(s.symbol, s.candles, interval);
  }
  const start = Math.max(...cleaned.map((s) => s.candles[0]!.openTime));
  const end = Math.min(...cleaned.map((s) => s.candles[s.candles.length - 1]!.openTime));
  if (start > end) {
    throw new CoreError(
      'DATA_INCOMPLETE',
      'The symbols have no bar in common; backfill the same range for all.',
      {
        start,
        end,
      },
    );
  }
  const aligned: Candle[][] = [];
  let times: number[] | null = null;
  for (const s of cleaned) {
    const from = s.candles.findIndex((c) => c.openTime >= start);
    const first = s.candles[from]!;
    if (first.openTime !== start) {
      // Contiguous series that step over `start` are on a different grid (e.g. an offset import).
      throw new CoreError(
        'DATA_INCOMPLETE',
        `${s.symbol}: its bars are not aligned with the other symbols (no bar at ${iso(start)}).`,
        { symbol: s.symbol, time: start },
      );
    }
    const slice: Candle[] = [];
    for (let i = from; i < s.candles.length && s.candles[i]!.openTime <= end; i++) slice.push(s.candles[i]!);
    if (times === null) times = slice.map((c) => c.openTime);
    else if (slice.length !== times.length || slice[slice.length - 1]!.openTime !== end) {
      throw new CoreError(
        'DATA_INCOMPLETE',
        `${s.symbol}: its bars are not aligned with the other symbols.`,
        {
          symbol: s.symbol,
          time: end,
        },
      );
    }
    aligned.push(slice);
  }
  return { symbols: cleaned.map((s) => s.symbol), interval, times: times ?? [], candles: aligned };
}
