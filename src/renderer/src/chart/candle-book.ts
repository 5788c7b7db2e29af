// What the chart shows for one series, kept apart from lightweight-charts so the rules are plain code:
// history replaces everything; a live candle either revises the forming bar (same open time), appends
// the next bar (a later open time), amends an older bar the chart holds (a late confirm frame), or is
// missing from the chart (an older bar it never had, e.g. filled from REST after a reconnect), which
// only a reload of the history can place.
import type { Candle } from '../../../shared/domain';

export type LiveVerdict = 'revise' | 'append' | 'amend' | 'missing';

/** lightweight-charts wants UTC seconds. */
export function chartTime(openTimeMs: number): number {
  return Math.floor(openTimeMs / 1000);
}

export class CandleBook {
  count = 0;
  lastTime: number | null = null;
  lastClose: number | null = null;
  liveUpdates = 0;
  private readonly times = new Set<number>();

  /** History from `market.candles`: ascending, one row per open time. */
  load(candles: readonly Candle[]): void {
    const last = candles[candles.length - 1];
    this.times.clear();
    for (const candle of candles) this.times.add(candle.openTime);
    this.count = candles.length;
    this.lastTime = last?.openTime ?? null;
    this.lastClose = last?.close ?? null;
  }

  accept(candle: Candle): LiveVerdict {
    if (this.lastTime !== null && candle.openTime < this.lastTime) {
      if (!this.times.has(candle.openTime)) return 'missing';
      this.liveUpdates += 1;
      return 'amend';
    }
    const verdict: LiveVerdict = candle.openTime === this.lastTime ? 'revise' : 'append';
    if (verdict === 'append') {
      this.count += 1;
      this.times.add(candle.openTime);
    }
    this.lastTime = candle.openTime;
    this.lastClose = candle.close;
    this.liveUpdates += 1;
    return verdict;
  }
}
