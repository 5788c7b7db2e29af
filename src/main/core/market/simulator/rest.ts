// The REST side of the simulated exchange: /v5/market/kline, /v5/market/instruments-info,
// /v5/market/funding/history, /v5/market/tickers and /v5/market/time, an IP throttle answering HTTP 403, and the REST faults. Parameter errors are
// HTTP 200 with retCode 10001 and result {}, as Bybit's v5 API does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { INTERVALS, barOpenTime, type Candle, type Interval } from '../../../../shared/domain';
import { barsBetween } from './bar-time';
import type { FaultInjector } from './faults';
import { decimalText, klineRow, restEnvelope } from './frames';
import { FUNDING_INTERVAL_MINUTES, FUNDING_RATE_BOUND, type FundingSchedule } from './funding';
import { stepText, type SimInstrumentRules } from './instruments';
import type { MarketTape } from './market-tape';
import { canResample, resampledCandles } from './resample';

const CATEGORIES = ['spot', 'linear', 'inverse'] as const;
type Category = (typeof CATEGORIES)[number];

export const KLINE_DEFAULT_LIMIT = 200;
export const KLINE_MAX_LIMIT = 1000;
export const FUNDING_MAX_LIMIT = 200;

export interface RestContext {
  tape: MarketTape;
  interval: Interval;
  symbols: readonly string[];
  rules: Readonly<Record<string, SimInstrumentRules>>;
  funding: FundingSchedule;
  faults: FaultInjector;
  /** Simulated exchange time, after the tape has caught up with it. */
  now(): number;
  /** Real time in ms, for the throttle window and the rate-limit reset header. */
  wallNow(): number;
  rateLimit: { maxRequests: number; windowMs: number } | null;
  stats: { restRequests: number; restRejected: number };
}

class ParamError extends Error {}

export function createRestHandler(ctx: RestContext): (req: IncomingMessage, res: ServerResponse) => void {
  let windowStart = ctx.wallNow();
  let windowCount = 0;

  const overLimit = (): boolean => {
    if (!ctx.rateLimit) return false;
    const wall = ctx.wallNow();
    if (wall - windowStart >= ctx.rateLimit.windowMs) {
      windowStart = wall;
      windowCount = 0;
    }
    windowCount++;
    return windowCount > ctx.rateLimit.maxRequests;
  };

  return (req, res) => {
    ctx.stats.restRequests++;
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (overLimit()) {
      ctx.stats.restRejected++;
      sendText(res, 403, 'access too frequent');
      return;
    }
    const route = ROUTES[url.pathname];
    if (!route || req.method !== 'GET') {
      sendText(res, 404, '404 page not found');
      return;
    }
    const fault = ctx.faults.takeRestFault();
    if (fault === 'rest403') {
      ctx.stats.restRejected++;
      sendText(res, 403, 'access too frequent');
      return;
    }
    const now = ctx.now();
    if (fault === 'rest10006') {
      ctx.stats.restRejected++;
      // Epoch ms of the wall clock (not simulated time), since clients sleep until it by their own
      // clock: the limit resets 1 s after the refusal, like Bybit's per-second windows.
      const resetAt = Date.now() + 1000;
      res.setHeader('X-Bapi-Limit', '600');
      res.setHeader('X-Bapi-Limit-Status', '0');
      res.setHeader('X-Bapi-Limit-Reset-Timestamp', String(Math.floor(resetAt)));
      sendJson(res, restEnvelope(10006, 'Too many visits!', {}, now));
      return;
    }
    try {
      sendJson(res, restEnvelope(0, 'OK', route(ctx, url.searchParams, now), now));
    } catch (error) {
      if (!(error instanceof ParamError)) throw error;
      sendJson(res, restEnvelope(10001, error.message, {}, now));
    }
  };
}

type Route = (ctx: RestContext, params: URLSearchParams, now: number) => unknown;

const ROUTES: Record<string, Route> = {
  '/v5/market/kline': kline,
  '/v5/market/instruments-info': instrumentsInfo,
  '/v5/market/funding/history': fundingHistory,
  '/v5/market/tickers': tickers,
  '/v5/market/time': (_ctx, _params, now) => ({
    timeSecond: String(Math.floor(now / 1000)),
    timeNano: `${now}000000`,
  }),
};

function parseCategory(value: string | null, required: boolean): Category {
  if (value === null || value === '') {
    if (required) throw new ParamError('Illegal category');
    return 'linear';
  }
  if (!(CATEGORIES as readonly string[]).includes(value)) throw new ParamError('Illegal category');
  return value as Category;
}

function parseTime(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^\d{1,16}$/.test(value)) throw new ParamError('Request parameter error');
  return Number(value);
}

function parseLimit(value: string | null, fallback = KLINE_DEFAULT_LIMIT, max = KLINE_MAX_LIMIT): number {
  if (value === null || value === '') return fallback;
  // The sheet documents 1-1000; anything else is refused rather than clamped, so a client built here
  // never relies on a clamp the real exchange may not apply.
  if (!/^\d{1,7}$/.test(value)) throw new ParamError('Request parameter error');
  const limit = Number(value);
  if (limit < 1 || limit > max) throw new ParamError('Request parameter error');
  return limit;
}

function kline(ctx: RestContext, params: URLSearchParams, _now: number): unknown {
  const category = parseCategory(params.get('category'), false);
  const symbol = params.get('symbol') ?? '';
  if (!ctx.symbols.includes(symbol)) throw new ParamError('Not supported symbols');
  const interval = params.get('interval') ?? '';
  if (!(INTERVALS as readonly string[]).includes(interval)) throw new ParamError('Invalid period!');
  const start = parseTime(params.get('start'));
  const end = parseTime(params.get('end'));
  const limit = parseLimit(params.get('limit'));
  // Coarser intervals are rolled up from the simulated one; finer ones (or months) have no candles.
  const target = interval as Interval;
  const candles =
    target === ctx.interval
      ? selectCandles(ctx, symbol, start, end, limit)
      : canResample(ctx.interval, target)
        ? resampledCandles(ctx.tape, symbol, ctx.interval, target, {
            start,
            end,
            limit,
            qtyDecimals: ctx.rules[symbol]!.qtyDecimals,
          })
        : [];
  return { symbol, category, list: candles.map(klineRow) };
}

/**
 * Candles whose open time lies in [floor(start), end], newest first: the newest `limit` of the window
 * (nearest `end`), except with `start` alone, where the `limit` candles from `start` on come back. The
 * bar still forming is included (as row 0 when the window reaches now), with its latest partial state.
 */
function selectCandles(
  ctx: RestContext,
  symbol: string,
  start: number | undefined,
  end: number | undefined,
  limit: number,
): Candle[] {
  const tape = ctx.tape;
  const forming = tape.formingState(symbol);
  const available = tape.closedBars + (forming ? 1 : 0);
  if (available === 0) return [];
  const firstOpen = tape.openTime(0);
  const indexOf = (time: number): number =>
    barsBetween(firstOpen, barOpenTime(time, ctx.interval), ctx.interval);
  const lo = start === undefined ? 0 : Math.max(0, indexOf(start));
  const hi = end === undefined ? available - 1 : Math.min(available - 1, end < firstOpen ? -1 : indexOf(end));
  if (lo > hi) return [];
  const [from, to] =
    start !== undefined && end === undefined
      ? [lo, Math.min(hi, lo + limit - 1)]
      : [Math.max(lo, hi - limit + 1), hi];
  const out: Candle[] = [];
  for (let i = to; i >= from; i--) {
    const candle = i < tape.closedBars ? tape.closedAt(symbol, i) : forming?.candle;
    if (candle) out.push(candle);
  }
  return out;
}

function instrumentsInfo(ctx: RestContext, params: URLSearchParams, _now: number): unknown {
  const category = parseCategory(params.get('category'), true);
  const wanted = params.get('symbol');
  const symbols = wanted ? ctx.symbols.filter((s) => s === wanted) : ctx.symbols;
  const list = symbols.map((s) => instrumentEntry(category, ctx.rules[s]!, ctx.tape.openTime(0)));
  return category === 'spot' ? { category, list } : { category, list, nextPageCursor: '' };
}

/**
 * GET /v5/market/funding/history: settled rates with funding time in [startTime, endTime] from the
 * launch up to now, newest first, the newest `limit` (≤ 200) of the window. `startTime` alone is an
 * error, as on Bybit; `endTime` alone gives the `limit` records up to it; neither, the latest.
 */
function fundingHistory(ctx: RestContext, params: URLSearchParams, now: number): unknown {
  const category = parseCategory(params.get('category'), true);
  if (category === 'spot') throw new ParamError('Illegal category');
  const symbol = params.get('symbol') ?? '';
  if (!ctx.symbols.includes(symbol)) throw new ParamError('Not supported symbols');
  const start = parseTime(params.get('startTime'));
  const end = parseTime(params.get('endTime'));
  if (start !== undefined && end === undefined)
    throw new ParamError('endTime is required when startTime is given');
  const limit = parseLimit(params.get('limit'), FUNDING_MAX_LIMIT, FUNDING_MAX_LIMIT);
  const f = ctx.funding;
  const newest = f.lastAtOrBefore(Math.min(now, end ?? now));
  const oldest = f.firstAtOrAfter(Math.max(ctx.tape.openTime(0), start ?? -Infinity));
  const list: unknown[] = [];
  for (let t = newest; t >= oldest && list.length < limit; t -= f.intervalMs) {
    list.push({ symbol, fundingRate: decimalText(f.rate(symbol, t)), fundingRateTimestamp: String(t) });
  }
  return { category, list };
}

/** GET /v5/market/tickers (linear): last and mark price of the bar forming now, the predicted funding. */
function tickers(ctx: RestContext, params: URLSearchParams, now: number): unknown {
  const category = parseCategory(params.get('category'), true);
  const wanted = params.get('symbol');
  if (wanted && !ctx.symbols.includes(wanted)) throw new ParamError('Not supported symbols');
  const symbols = wanted ? [wanted] : ctx.symbols;
  return { category, list: symbols.map((s) => tickerFields(ctx, s, now)) };
}

/** The ticker of `symbol` at simulated time `now`, every value a string as on Bybit. */
export function tickerFields(
  ctx: Pick<RestContext, 'tape' | 'funding'>,
  symbol: string,
  now: number,
): Record<string, string> {
  const forming = ctx.tape.formingState(symbol)?.candle;
  const last =
    forming ?? (ctx.tape.closedBars > 0 ? ctx.tape.closedAt(symbol, ctx.tape.closedBars - 1) : undefined);
  const price = last ? decimalText(last.close) : '0';
  const next = ctx.funding.firstAtOrAfter(now + 1);
  return {
    symbol,
    lastPrice: price,
    markPrice: price,
    indexPrice: price,
    fundingRate: decimalText(ctx.funding.rate(symbol, next)),
    nextFundingTime: String(next),
  };
}

function instrumentEntry(category: Category, r: SimInstrumentRules, launchTime: number): unknown {
  const tickSize = stepText(r.priceDecimals);
  const qtyStep = stepText(r.qtyDecimals);
  if (category === 'spot') {
    return {
      symbol: r.symbol,
      baseCoin: r.baseCoin,
      quoteCoin: r.quoteCoin,
      innovation: '0',
      status: 'Trading',
      marginTrading: 'utaOnly',
      lotSizeFilter: {
        basePrecision: qtyStep,
        quotePrecision: '0.0000001',
        minOrderQty: String(r.minOrderQty),
        maxOrderQty: String(r.maxOrderQty),
        minOrderAmt: String(r.minNotionalValue),
        maxOrderAmt: '8000000',
      },
      priceFilter: { tickSize },
    };
  }
  return {
    symbol: r.symbol,
    contractType: category === 'inverse' ? 'InversePerpetual' : 'LinearPerpetual',
    status: 'Trading',
    baseCoin: r.baseCoin,
    quoteCoin: r.quoteCoin,
    launchTime: String(launchTime),
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(r.priceDecimals),
    leverageFilter: { minLeverage: '1', maxLeverage: r.maxLeverage.toFixed(2), leverageStep: '0.01' },
    priceFilter: { minPrice: tickSize, maxPrice: String(10 ** Math.max(1, 7 - r.priceDecimals)), tickSize },
    lotSizeFilter: {
      maxOrderQty: String(r.maxOrderQty),
      minOrderQty: String(r.minOrderQty),
      qtyStep,
      postOnlyMaxOrderQty: String(r.postOnlyMaxOrderQty),
      maxMktOrderQty: String(r.maxMktOrderQty),
      minNotionalValue: String(r.minNotionalValue),
    },
    unifiedMarginTrade: true,
    fundingInterval: FUNDING_INTERVAL_MINUTES,
    settleCoin: r.quoteCoin,
    copyTrading: 'both',
    upperFundingRate: String(FUNDING_RATE_BOUND),
    lowerFundingRate: String(-FUNDING_RATE_BOUND),
  };
}

function sendJson(res: ServerResponse, body: string): void {
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
