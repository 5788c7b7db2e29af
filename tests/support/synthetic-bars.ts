// Bars of a generated market written into a real candles store one bar at a time, as the live ingest
// writes them (confirmed at the bar's close), optionally announced as market.candle events the way the
// ingest announces them after the commit: what paper-trading tests feed the trader with.
import type { Candle, Interval } from '../../src/shared/domain';
import type { CoreEvents } from '../../src/main/core/events';
import type { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { intervalMs } from '../../src/shared/domain';

export interface SyntheticBars {
  candles: CandlesRepo;
  /** When given, each stored candle is also emitted as a market.candle event. */
  events?: CoreEvents;
  market: Readonly<Record<string, readonly Candle[]>>;
  symbols: readonly string[];
  feed?: string;
  interval?: Interval;
}

/** Stores bars [from, to) of every symbol, bar by bar. */
export function storeBars(bars: SyntheticBars, from: number, to: number): void {
  const feed = bars.feed ?? 'simulator';
  const interval = bars.interval ?? '60';
  for (let b = from; b < to; b++) {
    for (const symbol of bars.symbols) {
      const candle = bars.market[symbol]![b]!;
      bars.candles.upsert({ feed, symbol, interval }, [
        { ...candle, updatedAt: candle.openTime + intervalMs(interval) },
      ]);
      bars.events?.emit('market.candle', { feed, symbol, interval, candle });
    }
  }
}
