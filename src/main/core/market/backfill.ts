// Backfill: download [from, to] of several symbols from REST into the store, one transaction per
// page, with progress and cancellation. Resumable: only bars without a confirmed candle are asked
// for, so a re-run after a crash or a cancel costs as many requests as the part still missing.
import { barOpenTime, type Interval } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import type { CandlesRepo } from '../store/candles.repo';
import type { BybitRest } from './bybit-rest';
import { barsIn, MAX_PAGE, windowsForMissing, type PageWindow } from './paging';

export interface BackfillRequest {
  feed: string;
  symbols: readonly string[];
  interval: Interval;
  /** Inclusive; the bar containing `from` is included. */
  from: number;
  /** Inclusive open time bound. */
  to: number;
}

/** What backfill needs of a Job (src/main/core/jobs.ts). */
export interface BackfillProgress {
  readonly signal: AbortSignal;
  progress(done: number, total: number | null, message: string): void;
}

export interface BackfillOptions {
  /** Look the symbols up before writing anything (UNKNOWN_SYMBOL names the bad one). Default true. */
  validateSymbols?: boolean;
  /** Bars per request, at most 1000. */
  pageSize?: number;
}

export interface BackfillResult {
  /** Candles written per symbol, confirmed and the one still forming. */
  written: Record<string, number>;
  /** Bars that were missing when the backfill began. */
  missing: number;
  pages: number;
}

export async function backfill(
  repo: CandlesRepo,
  rest: BybitRest,
  request: BackfillRequest,
  job?: BackfillProgress,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  const { feed, symbols, interval } = request;
  const signal = job?.signal;
  const from = barOpenTime(request.from, interval);
  const pageSize = Math.min(MAX_PAGE, options.pageSize ?? MAX_PAGE);
  if (options.validateSymbols !== false) await rest.instruments(symbols, signal);
  // Bars after the server's clock do not exist yet: never plan (or count) them.
  const to = Math.min(request.to, await rest.serverTime(signal));

  const plans = symbols.map((symbol) => {
    const key = { feed, symbol, interval };
    const windows =
      from <= to ? windowsForMissing(repo.missingOpenTimes(key, from, to), interval, pageSize) : [];
    return { key, windows, bars: windows.reduce((n, w) => n + barsIn(w, interval), 0) };
  });
  const total = plans.reduce((n, p) => n + p.bars, 0);
  const written: Record<string, number> = Object.fromEntries(symbols.map((s) => [s, 0]));
  let done = 0;
  let pages = 0;
  job?.progress(0, total, total === 0 ? 'Everything is already stored.' : `${total} bars to download`);

  for (const { key, windows } of plans) {
    for (let i = 0; i < windows.length; i++) {
      if (signal?.aborted) throw new CoreError('CANCELLED', 'The backfill was cancelled.');
      const window: PageWindow = windows[i]!;
      const page = await rest.klines(key.symbol, interval, window.start, window.end, pageSize, signal);
      if (page.candles.length > 0) repo.upsert(key, page.candles);
      written[key.symbol]! += page.candles.length;
      pages++;
      const future = page.serverTime < window.end;
      done += future ? remainingBars(windows, i, interval) : barsIn(window, interval);
      job?.progress(
        done,
        total,
        `${key.symbol}: ${new Date(Math.min(window.end, page.serverTime)).toISOString()}`,
      );
      // Bars after the server's clock do not exist yet.
      if (future) break;
    }
  }
  return { written, missing: total, pages };
}

function remainingBars(windows: readonly PageWindow[], from: number, interval: Interval): number {
  let n = 0;
  for (let i = from; i < windows.length; i++) n += barsIn(windows[i]!, interval);
  return n;
}
