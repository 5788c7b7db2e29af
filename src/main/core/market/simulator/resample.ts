// Candles of a coarser interval built from the simulated one, so that REST kline answers every
// interval whose bars are whole multiples of the simulated bar (e.g. 5, 15, 60, D from 1). A coarse
// bar is the usual OHLCV roll-up; the one still forming includes the latest partial state. Coarse bars
// that would start before the tape's first bar are left out rather than served incomplete.
import { barOpenTime, intervalMs, type Candle, type Interval } from '../../../../shared/domain';
import { barsBetween } from './bar-time';
import { roundTo } from './instruments';
import type { MarketTape } from './market-tape';

/** True when `target` bars are whole multiples of `base` bars (months never are). */
export function canResample(base: Interval, target: Interval): boolean {
  if (base === 'M' || target === 'M') return false;
  const b = intervalMs(base);
  const t = intervalMs(target);
  return t > b && t % b === 0;
}

export interface ResampleWindow {
  start: number | undefined;
  end: number | undefined;
  limit: number;
  /** Decimals of volumes for the sums. */
  qtyDecimals: number;
}

/** Coarse candles of `symbol` for the window, newest first, with the same selection rules as kline. */
export function resampledCandles(
  tape: MarketTape,
  symbol: string,
  base: Interval,
  target: Interval,
  w: ResampleWindow,
): Candle[] {
  const forming = tape.formingState(symbol);
  const lastIndex = tape.closedBars + (forming ? 1 : 0) - 1;
  if (lastIndex < 0) return [];
  const targetMs = intervalMs(target);
  const firstOpen = tape.openTime(0);
  const firstGroup =
    barOpenTime(firstOpen, target) === firstOpen ? firstOpen : barOpenTime(firstOpen, target) + targetMs;
  let hiGroup = barOpenTime(Math.min(w.end ?? Infinity, tape.openTime(lastIndex)), target);
  let loGroup = w.start === undefined ? -Infinity : barOpenTime(w.start, target);
  if (w.start !== undefined && w.end === undefined)
    hiGroup = Math.min(hiGroup, loGroup + (w.limit - 1) * targetMs);
  else loGroup = Math.max(loGroup, hiGroup - (w.limit - 1) * targetMs);
  loGroup = Math.max(loGroup, firstGroup);
  if (loGroup > hiGroup) return [];

  const indexOf = (time: number): number => barsBetween(firstOpen, barOpenTime(time, base), base);
  const from = Math.max(0, indexOf(loGroup));
  const to = Math.min(lastIndex, indexOf(hiGroup + targetMs - 1));
  const groups: Candle[] = [];
  for (let i = from; i <= to; i++) {
    const bar = i < tape.closedBars ? tape.closedAt(symbol, i) : forming?.candle;
    if (!bar) continue;
    const groupOpen = barOpenTime(bar.openTime, target);
    const last = groups.at(-1);
    if (!last || last.openTime !== groupOpen) {
      groups.push({ ...bar, openTime: groupOpen });
      continue;
    }
    last.high = Math.max(last.high, bar.high);
    last.low = Math.min(last.low, bar.low);
    last.close = bar.close;
    last.volume = roundTo(last.volume + bar.volume, w.qtyDecimals);
    last.turnover = roundTo(last.turnover + bar.turnover, 4);
    last.confirmed = bar.confirmed;
  }
  // A coarse bar is closed only when its last simulated bar has closed.
  for (const g of groups) g.confirmed = g.openTime + targetMs <= tape.openTime(tape.closedBars);
  return groups.reverse();
}
