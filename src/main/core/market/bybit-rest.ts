// Bybit v5 public REST client: klines (one page or any range), instruments, funding history and
// server time. Every request waits for the host's pacer (rest-pacer.ts: under 600 per 5 s per
// process); an HTTP 403 stops the host for 10 minutes and is never retried; 429, retCode 10006 and
// transient failures are retried with bounded exponential backoff and full jitter; parameter errors
// are not retried. Every error a user can meet is a CoreError written for them.
import {
  barOpenTime,
  type FundingRate,
  type Instrument,
  type InstrumentRules,
  type Interval,
} from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import type { CandleWrite } from '../store/types';
import { backoffDelay, sleep as defaultSleep, type BackoffPolicy } from './backoff';
import { nextOpenTime, parseRestRows } from './kline-parse';
import { addBars, MAX_PAGE, type PageWindow } from './paging';
import { pacerFor, type RestPacer } from './rest-pacer';

/** Records per page of /v5/market/funding/history (Bybit's maximum). */
export const FUNDING_PAGE = 200;

export interface HttpResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
export type FetchLike = (url: string, init: { signal?: AbortSignal }) => Promise<HttpResponseLike>;

export interface RestRetryPolicy extends BackoffPolicy {
  /** Total tries of one request, the first included. */
  attempts: number;
}

export const DEFAULT_REST_RETRY: RestRetryPolicy = { attempts: 6, baseMs: 500, maxMs: 30_000 };

export interface RetryInfo {
  /** 0-based number of the retry about to happen. */
  attempt: number;
  waitMs: number;
  reason: string;
  url: string;
}

export interface BybitRestOptions {
  baseUrl: string;
  fetch?: FetchLike;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Returns [0, 1); the jitter source. */
  random?: () => number;
  /** Epoch ms; used with the X-Bapi-Limit-Reset-Timestamp header. */
  now?: () => number;
  retry?: Partial<RestRetryPolicy>;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
  category?: 'linear' | 'inverse' | 'spot';
  onRetry?: (info: RetryInfo) => void;
  /** The pacer every request waits for; default the process-wide one of the base URL's host. */
  pacer?: RestPacer;
}

export interface KlinePage {
  /** Ascending by open time, inside the requested window. */
  candles: CandleWrite[];
  /** The response's `time`: the server's clock when it answered. */
  serverTime: number;
}

export interface KlinePageOf extends KlinePage {
  window: PageWindow;
}

export interface RangeOptions {
  signal?: AbortSignal;
  onPage?: (page: KlinePageOf) => void | Promise<void>;
  /** Bars per request, at most 1000. */
  limit?: number;
}

interface Envelope {
  retCode: number;
  retMsg: string;
  result: unknown;
  time: number;
}

type Attempt =
  { ok: true; body: Envelope } | { ok: false; retry: boolean; error: CoreError; minWaitMs?: number };

const RETRYABLE_RET_CODES = new Set([10000, 10006, 10016, 10429]);

export class BybitRest {
  readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly sleepFn: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly policy: RestRetryPolicy;
  private readonly timeoutMs: number;
  private readonly category: string;
  private readonly onRetry: ((info: RetryInfo) => void) | undefined;
  readonly pacer: RestPacer;
  /** Requests sent, retries included. */
  requests = 0;

  constructor(options: BybitRestOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.sleepFn = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.policy = { ...DEFAULT_REST_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.category = options.category ?? 'linear';
    this.onRetry = options.onRetry;
    this.pacer = options.pacer ?? pacerFor(this.baseUrl);
  }

  /** One page: candles with open time in [floor(start), end], at most `limit` (≤ 1000). */
  async klines(
    symbol: string,
    interval: Interval,
    start?: number,
    end?: number,
    limit = MAX_PAGE,
    signal?: AbortSignal,
  ): Promise<KlinePage> {
    const query: Record<string, string | number> = { category: this.category, symbol, interval };
    if (start !== undefined) query.start = start;
    if (end !== undefined) query.end = end;
    query.limit = Math.min(MAX_PAGE, Math.max(1, limit));
    const body = await this.get('/v5/market/kline', query, signal, symbol);
    const list = (body.result as { list?: unknown } | null)?.list;
    const from = start === undefined ? -Infinity : barOpenTime(start, interval);
    try {
      return {
        candles: parseRestRows(list, interval, body.time, from, end ?? Infinity),
        serverTime: body.time,
      };
    } catch (err) {
      throw new CoreError(
        'EXCHANGE_ERROR',
        `${this.baseUrl} sent klines for ${symbol} that do not parse: ${(err as Error).message}`,
      );
    }
  }

  /**
   * Pages covering [floor(from), to], oldest first, each window at most `limit` bars. With `to`
   * undefined, pages run up to the server's current bar (the one still forming is unconfirmed).
   * Stops early once a window starts after the server's clock: those bars do not exist yet.
   */
  async *klinePages(
    symbol: string,
    interval: Interval,
    from: number,
    to: number | undefined,
    options: RangeOptions = {},
  ): AsyncGenerator<KlinePageOf> {
    const limit = Math.min(MAX_PAGE, Math.max(1, options.limit ?? MAX_PAGE));
    let start = barOpenTime(from, interval);
    while (to === undefined || start <= to) {
      if (options.signal?.aborted) throw cancelled();
      const reach = addBars(start, limit - 1, interval);
      const end = to === undefined ? reach : Math.min(to, reach);
      const page = await this.klines(symbol, interval, start, end, limit, options.signal);
      yield { ...page, window: { start, end } };
      start = nextOpenTime(barOpenTime(end, interval), interval);
      if (start > page.serverTime) break;
    }
  }

  /** Every candle in [floor(from), to] (or up to the server's now), ascending. */
  async klineRange(
    symbol: string,
    interval: Interval,
    from: number,
    to: number | undefined,
    options: RangeOptions = {},
  ): Promise<CandleWrite[]> {
    const all: CandleWrite[] = [];
    for await (const page of this.klinePages(symbol, interval, from, to, options)) {
      await options.onPage?.(page);
      for (const candle of page.candles) all.push(candle);
    }
    return all;
  }

  /**
   * Instruments of the category. With `symbols`, each is looked up and an unknown one fails with
   * UNKNOWN_SYMBOL naming it; without, every trading instrument (paged by cursor).
   */
  async instruments(symbols?: readonly string[], signal?: AbortSignal): Promise<Instrument[]> {
    if (symbols && symbols.length > 0) {
      return (await this.instrumentRecords(symbols, signal)).map(({ raw }) => parseInstrument(raw));
    }
    const all: Instrument[] = [];
    let cursor = '';
    for (let page = 0; page < 50; page++) {
      const query: Record<string, string | number> = { category: this.category, limit: 1000 };
      if (cursor) query.cursor = cursor;
      const body = await this.get('/v5/market/instruments-info', query, signal);
      const result = (body.result ?? {}) as { list?: unknown[]; nextPageCursor?: string };
      all.push(...(result.list ?? []).map(parseInstrument));
      cursor = result.nextPageCursor ?? '';
      if (!cursor) break;
    }
    return all;
  }

  /**
   * The trading rules of each symbol (launch time, tick size, qty step, order limits, leverage,
   * funding interval, status), stamped with the server's time of the answer. UNKNOWN_SYMBOL names an
   * unknown one.
   */
  async instrumentRules(symbols: readonly string[], signal?: AbortSignal): Promise<InstrumentRules[]> {
    return (await this.instrumentRecords(symbols, signal)).map(({ raw, time }) => parseRules(raw, time));
  }

  private async instrumentRecords(
    symbols: readonly string[],
    signal?: AbortSignal,
  ): Promise<Array<{ raw: Record<string, unknown>; time: number }>> {
    const found: Array<{ raw: Record<string, unknown>; time: number }> = [];
    for (const symbol of symbols) {
      const body = await this.get(
        '/v5/market/instruments-info',
        { category: this.category, symbol },
        signal,
        symbol,
      );
      const list = ((body.result as { list?: unknown[] } | null)?.list ?? []) as Array<
        Record<string, unknown>
      >;
      const match = list.find((i) => i?.symbol === symbol);
      if (!match) throw unknownSymbol(symbol, this.baseUrl);
      found.push({ raw: match, time: body.time });
    }
    return found;
  }

  /**
   * Settled funding rates of `symbol` with funding time in [from, to], paged backwards by `endTime`
   * (200 a page, newest first on the wire). `onPage` gets each page ascending with the span it
   * proves complete; the result is every rate, ascending.
   */
  async fundingHistory(
    symbol: string,
    from: number,
    to: number,
    options: { signal?: AbortSignal; onPage?: (page: FundingPage) => void | Promise<void> } = {},
  ): Promise<FundingRate[]> {
    const all: FundingRate[][] = [];
    let end = to;
    while (end >= from) {
      if (options.signal?.aborted) throw cancelled();
      const body = await this.get(
        '/v5/market/funding/history',
        // endTime alone is documented to give the 200 records up to it, whichever end Bybit would
        // anchor a window to; records before `from` are dropped here.
        { category: this.category, symbol, endTime: end, limit: FUNDING_PAGE },
        options.signal,
        symbol,
      );
      const list = (body.result as { list?: unknown[] } | null)?.list ?? [];
      const rates = list.map((raw) => parseFunding(raw, symbol, this.baseUrl));
      rates.sort((a, b) => a.fundingTimeMs - b.fundingTimeMs);
      const inRange = rates.filter((r) => r.fundingTimeMs >= from && r.fundingTimeMs <= end);
      // A short page, or one reaching back before `from`, proves the whole window complete; a full
      // page only from its oldest record on.
      const reachedFrom =
        list.length < FUNDING_PAGE || inRange.length === 0 || rates[0]!.fundingTimeMs < from;
      const checkedFrom = reachedFrom ? from : inRange[0]!.fundingTimeMs;
      await options.onPage?.({ rates: inRange, checkedFrom, checkedTo: end });
      all.unshift(inRange);
      if (reachedFrom) break;
      end = inRange[0]!.fundingTimeMs - 1;
    }
    return all.flat();
  }

  /** The server's clock, epoch ms. */
  async serverTime(signal?: AbortSignal): Promise<number> {
    const body = await this.get('/v5/market/time', {}, signal);
    const result = (body.result ?? {}) as { timeNano?: string; timeSecond?: string };
    if (typeof body.time === 'number' && Number.isFinite(body.time)) return body.time;
    if (result.timeNano) return Math.floor(Number(result.timeNano) / 1e6);
    return Number(result.timeSecond) * 1000;
  }

  private async get(
    path: string,
    query: Record<string, string | number>,
    signal: AbortSignal | undefined,
    symbol?: string,
  ): Promise<Envelope> {
    const qs = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    const url = `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw cancelled();
      const outcome = await this.attempt(url, signal, symbol);
      if (outcome.ok) return outcome.body;
      if (!outcome.retry || attempt >= this.policy.attempts - 1) throw outcome.error;
      const waitMs = Math.min(
        this.policy.maxMs,
        Math.max(backoffDelay(attempt, this.policy, this.random), outcome.minWaitMs ?? 0),
      );
      this.onRetry?.({ attempt, waitMs, reason: outcome.error.message, url });
      try {
        await this.sleepFn(waitMs, signal);
      } catch {
        throw cancelled();
      }
    }
  }

  private async attempt(url: string, signal: AbortSignal | undefined, symbol?: string): Promise<Attempt> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status: number;
    let text: string;
    let resetHeader: string | null = null;
    await this.pacer.take(signal);
    this.requests++;
    try {
      const response = await this.fetchFn(url, { signal: combined });
      status = response.status;
      resetHeader = response.headers.get('x-bapi-limit-reset-timestamp');
      text = await response.text();
    } catch (err) {
      if (signal?.aborted) throw cancelled();
      const why = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(err);
      return {
        ok: false,
        retry: true,
        error: new CoreError(
          'NETWORK',
          `Cannot reach ${this.baseUrl}: ${why}. Check the connection and try again.`,
        ),
      };
    }
    // Retrying a ban would only extend it: stop the host for 10 minutes instead.
    if (status === 403) return { ok: false, retry: false, error: this.pacer.banned() };
    if (status === 429 || status >= 500) {
      return {
        ok: false,
        retry: true,
        error: new CoreError(
          status === 429 ? 'RATE_LIMITED' : 'EXCHANGE_ERROR',
          `${this.baseUrl} is ${status === 429 ? 'throttling requests (HTTP 429)' : `failing (HTTP ${status})`}; try again later.`,
          { status },
        ),
      };
    }
    let body: Envelope;
    try {
      body = JSON.parse(text) as Envelope;
      if (typeof body !== 'object' || body === null || typeof body.retCode !== 'number')
        throw new Error('no retCode');
    } catch {
      return {
        ok: false,
        retry: status === 200,
        error: new CoreError(
          'EXCHANGE_ERROR',
          `${this.baseUrl} sent an unreadable answer (HTTP ${status}).`,
          { status },
        ),
      };
    }
    if (status !== 200 && body.retCode === 0) {
      return {
        ok: false,
        retry: false,
        error: new CoreError('EXCHANGE_ERROR', `${this.baseUrl} answered HTTP ${status}.`),
      };
    }
    if (body.retCode === 0) {
      if (typeof body.time !== 'number') body.time = this.now();
      return { ok: true, body };
    }
    if (RETRYABLE_RET_CODES.has(body.retCode)) {
      const reset = Number(resetHeader);
      const minWaitMs = Number.isFinite(reset) && reset > 0 ? Math.max(0, reset - this.now()) : undefined;
      const limited = body.retCode === 10006 || body.retCode === 10429;
      return {
        ok: false,
        retry: true,
        minWaitMs,
        error: new CoreError(
          limited ? 'RATE_LIMITED' : 'EXCHANGE_ERROR',
          limited
            ? `${this.baseUrl} says too many requests (retCode ${body.retCode}: ${body.retMsg}); try again later.`
            : `${this.baseUrl} had a temporary failure (retCode ${body.retCode}: ${body.retMsg}); try again later.`,
          { retCode: body.retCode, retMsg: body.retMsg },
        ),
      };
    }
    if (body.retCode === 10001 && symbol && /symbol/i.test(body.retMsg))
      return { ok: false, retry: false, error: unknownSymbol(symbol, this.baseUrl) };
    return {
      ok: false,
      retry: false,
      error: new CoreError(
        'EXCHANGE_ERROR',
        `${this.baseUrl} rejected the request: ${body.retMsg} (retCode ${body.retCode}).`,
        {
          retCode: body.retCode,
          retMsg: body.retMsg,
        },
      ),
    };
  }
}

function parseInstrument(raw: unknown): Instrument {
  const r = (raw ?? {}) as Record<string, unknown>;
  const price = (r.priceFilter ?? {}) as Record<string, unknown>;
  const lot = (r.lotSizeFilter ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (Number.isFinite(Number(v)) ? Number(v) : 0);
  return {
    symbol: String(r.symbol ?? ''),
    status: String(r.status ?? ''),
    baseCoin: String(r.baseCoin ?? ''),
    quoteCoin: String(r.quoteCoin ?? ''),
    tickSize: num(price.tickSize),
    qtyStep: num(lot.qtyStep ?? lot.basePrecision),
    minOrderQty: num(lot.minOrderQty),
    minNotionalValue: num(lot.minNotionalValue ?? lot.minOrderAmt),
  };
}

export interface FundingPage {
  /** Ascending. */
  rates: FundingRate[];
  /** Every record the exchange has in [checkedFrom, checkedTo] is in `rates`. */
  checkedFrom: number;
  checkedTo: number;
}

function parseRules(r: Record<string, unknown>, fetchedAtMs: number): InstrumentRules {
  const price = (r.priceFilter ?? {}) as Record<string, unknown>;
  const lot = (r.lotSizeFilter ?? {}) as Record<string, unknown>;
  const leverage = (r.leverageFilter ?? {}) as Record<string, unknown>;
  const symbol = String(r.symbol ?? '');
  const num = (field: string, v: unknown, fallback?: number): number => {
    const n = v === undefined || v === '' ? NaN : Number(v);
    if (Number.isFinite(n)) return n;
    if (fallback !== undefined) return fallback;
    throw new CoreError(
      'EXCHANGE_ERROR',
      `instruments-info for ${symbol} has no valid ${field} (${String(v)}).`,
    );
  };
  const qtyStep = num('lotSizeFilter.qtyStep', lot.qtyStep ?? lot.basePrecision);
  return {
    symbol,
    status: String(r.status ?? ''),
    launchTimeMs: num('launchTime', r.launchTime, 0),
    tickSize: num('priceFilter.tickSize', price.tickSize),
    qtyStep,
    minOrderQty: num('lotSizeFilter.minOrderQty', lot.minOrderQty, qtyStep),
    maxMarketOrderQty: num(
      'lotSizeFilter.maxMktOrderQty',
      lot.maxMktOrderQty ?? lot.maxOrderQty,
      Number.MAX_SAFE_INTEGER,
    ),
    minNotionalValue: num('lotSizeFilter.minNotionalValue', lot.minNotionalValue ?? lot.minOrderAmt, 0),
    maxLeverage: num('leverageFilter.maxLeverage', leverage.maxLeverage, 1),
    // Spot has no funding; Bybit's default interval for perpetuals is 8 h.
    fundingIntervalMinutes: num('fundingInterval', r.fundingInterval, 480),
    source: 'exchange',
    fetchedAtMs,
  };
}

function parseFunding(raw: unknown, symbol: string, baseUrl: string): FundingRate {
  const r = (raw ?? {}) as Record<string, unknown>;
  const time = Number(r.fundingRateTimestamp);
  const rate = Number(r.fundingRate);
  if (
    !Number.isInteger(time) ||
    !Number.isFinite(rate) ||
    r.fundingRate === '' ||
    r.fundingRate === undefined
  ) {
    throw new CoreError(
      'EXCHANGE_ERROR',
      `${baseUrl} sent a funding record for ${symbol} that does not parse: ${JSON.stringify(raw)}.`,
    );
  }
  return { symbol, fundingTimeMs: time, rate };
}

function unknownSymbol(symbol: string, baseUrl: string): CoreError {
  return new CoreError(
    'UNKNOWN_SYMBOL',
    `${baseUrl} does not list the symbol '${symbol}'. Check the spelling (upper case, e.g. BTCUSDT) and that it is a linear perpetual.`,
    { symbol },
  );
}

function cancelled(): CoreError {
  return new CoreError('CANCELLED', 'The request was cancelled.');
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
