// Decides which written candles are worth a market.candle event: the ones that change what a chart
// shows. It mirrors the store's write rules per symbol so that a late, older or repeated update
// (which the store ignores) is not announced either.
import type { CandleWrite } from '../store/types';

interface Shown {
  openTime: number;
  updatedAt: number;
  confirmed: boolean;
}

/** How many recently confirmed bars per symbol are remembered to suppress repeated confirms. */
const REMEMBERED_CONFIRMS = 256;

export class CandleEventFilter {
  private readonly newest = new Map<string, Shown>();
  private readonly confirmed = new Map<string, Set<number>>();

  accept(symbol: string, candle: CandleWrite): boolean {
    const confirmedSet = this.confirmedOf(symbol);
    if (candle.confirmed) {
      if (confirmedSet.has(candle.openTime)) return false;
      confirmedSet.add(candle.openTime);
      if (confirmedSet.size > REMEMBERED_CONFIRMS) {
        const oldest = confirmedSet.values().next().value as number;
        confirmedSet.delete(oldest);
      }
    }
    const shown = this.newest.get(symbol);
    if (!shown || candle.openTime > shown.openTime) {
      this.newest.set(symbol, {
        openTime: candle.openTime,
        updatedAt: candle.updatedAt,
        confirmed: candle.confirmed,
      });
      return true;
    }
    if (candle.openTime < shown.openTime) return candle.confirmed;
    if (candle.confirmed) {
      shown.confirmed = true;
      shown.updatedAt = Math.max(shown.updatedAt, candle.updatedAt);
      return true;
    }
    if (shown.confirmed || candle.updatedAt < shown.updatedAt) return false;
    shown.updatedAt = candle.updatedAt;
    return true;
  }

  private confirmedOf(symbol: string): Set<number> {
    let set = this.confirmed.get(symbol);
    if (!set) this.confirmed.set(symbol, (set = new Set()));
    return set;
  }
}
