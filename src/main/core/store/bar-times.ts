// Bar open times of a series: stepping and counting bars, including calendar months, which have no
// fixed length. Used for coverage, gap detection and CSV import.
import { barOpenTime, intervalMs, type Interval } from '../../../shared/domain';

/** Open time of the bar after the one that opens at `openTime` (which must be aligned). */
export function nextBarOpenTime(openTime: number, interval: Interval): number {
  if (interval !== 'M') return openTime + intervalMs(interval);
  const d = new Date(openTime);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** First aligned open time at or after `time`. */
export function alignUp(time: number, interval: Interval): number {
  const open = barOpenTime(time, interval);
  return open === time ? open : nextBarOpenTime(open, interval);
}

/** Number of bars from aligned `first` to aligned `last`, both included; 0 when last < first. */
export function barsBetween(first: number, last: number, interval: Interval): number {
  if (last < first) return 0;
  if (interval !== 'M') return Math.floor((last - first) / intervalMs(interval)) + 1;
  const a = new Date(first);
  const b = new Date(last);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth()) + 1;
}
