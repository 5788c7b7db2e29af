// The store's public shapes. Implementations: db.ts, candles.repo.ts, settings.repo.ts.
import type { Candle, SeriesKey } from '../../../shared/domain';

/**
 * A candle as written: `updatedAt` is the exchange time of this version (the websocket frame's
 * `timestamp`, or the REST response's server time). Write rules, applied per row inside one
 * transaction: a confirmed write always wins (the closed bar is the truth); an unconfirmed write
 * applies only while the stored row is unconfirmed and not newer (`updatedAt` >= stored), so a late,
 * older update never overwrites a newer one and repeats are idempotent. A write that would change
 * nothing (a closed bar re-sent with the same values, even with a later `updatedAt`) is skipped and
 * not counted, so upsert's return value is the number of rows actually inserted or altered.
 */
export interface CandleWrite extends Candle {
  updatedAt: number;
}

export interface CandleQuery {
  /** Inclusive bounds on the open time, epoch ms. */
  from?: number;
  to?: number;
  /** The newest `limit` candles of the range, returned ascending. */
  limit?: number;
  includeUnconfirmed?: boolean;
}

export interface Coverage {
  count: number;
  first: number | null;
  last: number | null;
  gaps: number;
}

export interface SeriesBatch {
  key: SeriesKey;
  candles: readonly CandleWrite[];
}
