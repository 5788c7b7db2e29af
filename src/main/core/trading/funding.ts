// Funding of perpetual positions, for the engine. At every funding time each open position pays
// position value × rate (value = signed quantity × mark price): a long pays a positive rate, a short
// receives it. The engine reads rates through a FundingFeed, so a backtest (every rate known up front)
// and paper trading (rates stored as the exchange settles them) apply funding the same way.
import type { FundingRate } from '../../../shared/domain';
import type { FundingRepo } from '../store/funding.repo';

/** One funding payment, a ledger entry of its own next to the fills. */
export interface FundingPayment {
  /** The funding time, epoch ms. */
  time: number;
  symbol: string;
  /** Signed position held at the funding time (base coin). */
  quantity: number;
  /** The mark price used: the open of the bar starting at the funding time, else the last close. */
  price: number;
  /** quantity × price, quote coin (negative for a short). */
  positionValue: number;
  rate: number;
  /** positionValue × rate, quote coin: > 0 paid by the account, < 0 received. */
  payment: number;
}

/** The rates the engine applies, per symbol index in the engine's symbol order. */
export interface FundingFeed {
  /** The earliest funding time after `after` among all symbols that the feed knows now, or Infinity. */
  nextAfter(after: number): number;
  /** Rates of symbol `i` with funding time in (after, upTo], ascending. */
  between(i: number, after: number, upTo: number): readonly FundingRate[];
}

/** A feed over rates known up front (a backtest): per symbol, ascending by funding time. */
export class ArrayFundingFeed implements FundingFeed {
  private readonly times: Float64Array[];

  constructor(private readonly rates: ReadonlyArray<readonly FundingRate[]>) {
    this.times = rates.map((list) => Float64Array.from(list, (r) => r.fundingTimeMs));
  }

  nextAfter(after: number): number {
    let next = Infinity;
    for (const times of this.times) {
      const k = firstAfter(times, after);
      if (k < times.length && times[k]! < next) next = times[k]!;
    }
    return next;
  }

  between(i: number, after: number, upTo: number): readonly FundingRate[] {
    const times = this.times[i];
    if (!times) return [];
    const lo = firstAfter(times, after);
    const hi = firstAfter(times, upTo);
    return lo < hi ? this.rates[i]!.slice(lo, hi) : [];
  }
}

/** Index of the first time > t (binary search over ascending times). */
function firstAfter(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rates of a live feed as they are stored (paper trading): read from the store at each funding time. */
export class StoredFundingFeed implements FundingFeed {
  constructor(
    private readonly repo: FundingRepo,
    private readonly feed: string,
    private readonly symbols: readonly string[],
  ) {}

  nextAfter(after: number): number {
    let next = Infinity;
    for (const symbol of this.symbols) {
      const first = this.repo.firstAfter(this.feed, symbol, after);
      if (first !== null && first < next) next = first;
    }
    return next;
  }

  between(i: number, after: number, upTo: number): readonly FundingRate[] {
    const symbol = this.symbols[i];
    if (symbol === undefined || !(upTo > after)) return [];
    return this.repo.range({ feed: this.feed, symbol, from: Math.floor(after) + 1, to: upTo });
  }
}
