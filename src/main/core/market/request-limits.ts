// What one market call may ask of an exchange. The one home of these limits: the backfill, the stream
// and the contract-level checks of other calls all use boundMarketRequest, so they never disagree.
import { barOpenTime, intervalMs, type Interval } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';

/** Symbols in one call (Bybit's own tools and this app's settings allow 20). */
export const MAX_SYMBOLS_PER_CALL = 20;
/** Bars one backfill call may plan, all symbols together. */
export const MAX_BARS_PER_CALL = 10_000_000;

export interface MarketRequestShape {
  symbols: readonly string[];
  interval: Interval;
  /** Inclusive range of bar open times; both undefined for a stream (no range). */
  from?: number;
  to?: number;
}

export interface BoundedRequest {
  /** The symbols deduplicated, first occurrence order kept. */
  symbols: string[];
  /** Bars the range holds per symbol (0 without a range). */
  barsPerSymbol: number;
  /** barsPerSymbol × symbols. */
  plannedBars: number;
}

/**
 * Deduplicates the symbols and refuses a call that asks too much: none or more than 20 symbols, or a
 * range planning more than 10 million bars (the message gives the size). Throws INVALID_PARAMS.
 */
export function boundMarketRequest(request: MarketRequestShape): BoundedRequest {
  const symbols = [...new Set(request.symbols)];
  if (symbols.length === 0) throw new CoreError('INVALID_PARAMS', 'Give at least one symbol.');
  if (symbols.length > MAX_SYMBOLS_PER_CALL) {
    throw new CoreError(
      'INVALID_PARAMS',
      `${symbols.length} different symbols in one call; at most ${MAX_SYMBOLS_PER_CALL} are allowed.`,
      { symbols: symbols.length, max: MAX_SYMBOLS_PER_CALL },
    );
  }
  if (request.from === undefined || request.to === undefined)
    return { symbols, barsPerSymbol: 0, plannedBars: 0 };
  const from = barOpenTime(request.from, request.interval);
  const barsPerSymbol =
    request.to < from ? 0 : Math.floor((request.to - from) / intervalMs(request.interval)) + 1;
  const plannedBars = barsPerSymbol * symbols.length;
  if (plannedBars > MAX_BARS_PER_CALL) {
    throw new CoreError(
      'INVALID_PARAMS',
      `The range plans ${plannedBars.toLocaleString('en-US')} bars (${symbols.length} symbol${symbols.length === 1 ? '' : 's'} × ` +
        `${barsPerSymbol.toLocaleString('en-US')} bars of ${request.interval}); at most ` +
        `${MAX_BARS_PER_CALL.toLocaleString('en-US')} bars may be asked for in one call. Split the range or use a longer interval.`,
      { plannedBars, barsPerSymbol, symbols: symbols.length, max: MAX_BARS_PER_CALL },
    );
  }
  return { symbols, barsPerSymbol, plannedBars };
}
