// Backfill: download [from, to] of several symbols from REST into the store, one transaction per
// page, with progress and cancellation. Resumable: only bars without a confirmed candle are asked
// for, so a re-run after a crash or a cancel costs as many requests as the part still missing.
// First the symbols' rules come from instruments-info (stored with the time fetched, when an
// InstrumentsRepo is given): nothing is asked for before a symbol's launchTime. With a FundingRepo,
// the funding history of the same range follows the candles. Every request is paced (rest-pacer.ts).
import { barOpenTime, intervalMs, type InstrumentRules, type Interval } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import type { CandlesRepo } from '../store/candles.repo';
import type { FundingRepo } from '../store/funding.repo';
import type { InstrumentsRepo } from '../store/instruments.repo';
import type { BybitRest } from './bybit-rest';
import { SIMULATOR_FEED } from './feeds';
import { backfillFunding } from './funding-backfill';
import { barsIn, MAX_PAGE, windowsForMissing, type PageWindow } from './paging';
import { boundMarketRequest } from './request-limits';

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
  /** Where the fetched instrument rules are stored (refreshed on every backfill). */
  instruments?: InstrumentsRepo;
  /** Where the funding history of the range is stored; without it funding is not downloaded. */
  funding?: FundingRepo;
}

export interface BackfillResult {
  /** Candles written per symbol, confirmed and the one still forming. */
  written: Record<string, number>;
  /** Bars that were missing when the backfill began. */
  missing: number;
  pages: number;
  /** Funding rates written per symbol (when a FundingRepo was given). */
  funding: Record<string, number>;
  /** Funding history requests. */
  fundingPages: number;
}

export async function backfill(
  repo: CandlesRepo,
  rest: BybitRest,
  request: BackfillRequest,
  job?: BackfillProgress,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  const { feed, interval } = request;
  const { symbols } = boundMarketRequest(request);
  const signal = job?.signal;
  const from = barOpenTime(request.from, interval);
  const pageSize = Math.min(MAX_PAGE, options.pageSize ?? MAX_PAGE);
  const rules = new Map<string, InstrumentRules>();
  if (options.validateSymbols !== false || options.instruments || options.funding) {
    for (const r of await rest.instrumentRules(symbols, signal)) rules.set(r.symbol, r);
    // The simulator's feed keeps the simulator's table as its rules.
    const source = feed === SIMULATOR_FEED ? 'simulator' : 'exchange';
    options.instruments?.upsert(
      feed,
      [...rules.values()].map((r) => ({ ...r, source })),
    );
  }
  // Bars after the server's clock do not exist yet: never plan (or count) them.
  const serverNow = await rest.serverTime(signal);
  const to = Math.min(request.to, serverNow);

  const plans = symbols.map((symbol) => {
    const key = { feed, symbol, interval };
    // Nor do bars before the launch: asking for them would cost a request per empty page.
    const launch = rules.get(symbol)?.launchTimeMs ?? -Infinity;
    const start = Math.max(from, launch > from ? barOpenTime(launch, interval) : from);
    const windows =
      start <= to ? windowsForMissing(repo.missingOpenTimes(key, start, to), interval, pageSize) : [];
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
  const funding: Record<string, number> = {};
  let fundingPages = 0;
  if (options.funding) {
    // Funding times inside the range's bars: up to the end of the last bar, and not after now.
    const fundingTo = Math.min(serverNow, request.to + intervalMs(interval) - 1);
    for (const symbol of symbols) {
      job?.progress(done, total, `${symbol}: funding history`);
      const result = await backfillFunding(
        options.funding,
        rest,
        { feed, symbol, from, to: fundingTo, launchTimeMs: rules.get(symbol)?.launchTimeMs ?? 0 },
        signal,
      );
      funding[symbol] = result.written;
      fundingPages += result.requests;
    }
  }
  return { written, missing: total, pages, funding, fundingPages };
}

function remainingBars(windows: readonly PageWindow[], from: number, interval: Interval): number {
  let n = 0;
  for (let i = from; i < windows.length; i++) n += barsIn(windows[i]!, interval);
  return n;
}
