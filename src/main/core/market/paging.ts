// Paging plans for GET /v5/market/kline. Both ends of a request are inclusive and a page holds at
// most `limit` candles, so a window of at most `limit` bars never depends on which end the server
// anchors an oversized answer to.
import { barOpenTime, intervalMs, type Interval } from '../../../shared/domain';
import { nextOpenTime } from './kline-parse';

export const MAX_PAGE = 1000;

/** An inclusive range of bar open times, at most `limit` bars long. */
export interface PageWindow {
  start: number;
  end: number;
}

/** Open time of the bar `bars` bars after `openTime`. */
export function addBars(openTime: number, bars: number, interval: Interval): number {
  if (interval !== 'M') return openTime + bars * intervalMs(interval);
  let t = openTime;
  for (let i = 0; i < bars; i++) t = nextOpenTime(t, interval);
  return t;
}

/** Windows covering every bar whose open time is in [floor(from), to], oldest first. */
export function planWindows(from: number, to: number, interval: Interval, limit = MAX_PAGE): PageWindow[] {
  const windows: PageWindow[] = [];
  let start = barOpenTime(from, interval);
  while (start <= to) {
    const end = Math.min(to, addBars(start, limit - 1, interval));
    windows.push({ start, end });
    start = nextOpenTime(barOpenTime(end, interval), interval);
  }
  return windows;
}

/**
 * Windows covering the given missing open times (ascending, aligned) with as few requests as
 * possible: a window starts at a missing bar and reaches the last missing bar within `limit` bars.
 * Bars already stored inside a window are fetched again, which is harmless (same values).
 */
export function windowsForMissing(
  missing: readonly number[],
  interval: Interval,
  limit = MAX_PAGE,
): PageWindow[] {
  const windows: PageWindow[] = [];
  let i = 0;
  while (i < missing.length) {
    const start = missing[i]!;
    const reach = addBars(start, limit - 1, interval);
    let end = start;
    while (i < missing.length && missing[i]! <= reach) end = missing[i++]!;
    windows.push({ start, end });
  }
  return windows;
}

/** How many bars [start, end] holds. */
export function barsIn(window: PageWindow, interval: Interval): number {
  if (interval !== 'M') return Math.floor((window.end - window.start) / intervalMs(interval)) + 1;
  let n = 0;
  for (let t = window.start; t <= window.end; t = nextOpenTime(t, interval)) n++;
  return n;
}
