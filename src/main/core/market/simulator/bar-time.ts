// Bar arithmetic of the simulated exchange. Minute, day and week bars have a fixed length; month bars
// open on the first of the month (UTC) and so are stepped by calendar.
import { barOpenTime, intervalMs, type Interval } from '../../../../shared/domain';

/** Open time of the bar `count` bars after the bar opening at `openTime` (count may be negative). */
export function addBars(openTime: number, count: number, interval: Interval): number {
  if (interval === 'M') {
    const d = new Date(openTime);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + count, 1);
  }
  return openTime + count * intervalMs(interval);
}

/** Last millisecond of the bar opening at `openTime`: Bybit's `end` (start + intervalMs - 1). */
export function barEnd(openTime: number, interval: Interval): number {
  return addBars(openTime, 1, interval) - 1;
}

/** Number of whole bars from the bar opening at `from` to the bar opening at `to` (both aligned). */
export function barsBetween(from: number, to: number, interval: Interval): number {
  if (interval === 'M') {
    const a = new Date(from);
    const b = new Date(to);
    return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  }
  return Math.round((to - from) / intervalMs(interval));
}

export { barOpenTime };
