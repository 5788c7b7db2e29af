// Domain types shared by the core, the hosts and the renderer. Times are epoch milliseconds (UTC);
// prices and quantities are plain numbers.
import { z } from 'zod';

/** Bybit v5 kline intervals: minutes as numbers, then day, week, month. */
export const INTERVALS = [
  '1',
  '3',
  '5',
  '15',
  '30',
  '60',
  '120',
  '240',
  '360',
  '720',
  'D',
  'W',
  'M',
] as const;
export const IntervalSchema = z.enum(INTERVALS);
export type Interval = z.infer<typeof IntervalSchema>;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Length of one bar in ms. 'M' has no fixed length; 30 days is used only for sizing pages and
 * annualising, never for alignment.
 */
export function intervalMs(interval: Interval): number {
  switch (interval) {
    case 'D':
      return DAY_MS;
    case 'W':
      return 7 * DAY_MS;
    case 'M':
      return 30 * DAY_MS;
    default:
      return Number(interval) * MINUTE_MS;
  }
}

/**
 * An interval as traders and the window name it: '1' → 1m, '60' → 1h, 'D' → 1D, 'W' → 1W, 'M' → 1Mo.
 * The core names runs and models with it too, so a name never says '60' where the window says '1h'.
 */
export function intervalName(interval: Interval | string): string {
  if (/^\d+$/.test(interval)) {
    const minutes = Number(interval);
    return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
  }
  return ({ D: '1D', W: '1W', M: '1Mo' } as Record<string, string>)[interval] ?? interval;
}

/** The app's one time style, in messages from the core too: '2024-05-01 12:00 UTC'. */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** BTCUSDT → BTC: every traded perpetual is quoted in the same currency, so its base names it. */
export function baseAsset(symbol: string): string {
  return symbol.replace(/(USDT|USDC|PERP)$/, '') || symbol;
}

/** Open time of the bar that contains `time` (minute and day intervals; weeks start on Monday UTC). */
export function barOpenTime(time: number, interval: Interval): number {
  if (interval === 'W') {
    // 1970-01-05 was a Monday.
    const mondayOffset = 4 * DAY_MS;
    return Math.floor((time - mondayOffset) / (7 * DAY_MS)) * 7 * DAY_MS + mondayOffset;
  }
  if (interval === 'M') {
    const d = new Date(time);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const ms = intervalMs(interval);
  return Math.floor(time / ms) * ms;
}

export const SymbolSchema = z
  .string()
  .regex(/^[A-Z0-9]{2,30}$/, 'symbols are upper-case letters and digits, e.g. BTCUSDT');

/** A feed is where candles come from: 'bybit', 'bybit-testnet', 'simulator', or an import name. */
export const FeedSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'feed names are lower-case letters, digits, - and _');

/** One OHLCV bar. `openTime` is the bar's start; `confirmed` is false while the bar is still forming. */
export const CandleSchema = z.object({
  openTime: z.number().int(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  turnover: z.number(),
  confirmed: z.boolean(),
});
export type Candle = z.infer<typeof CandleSchema>;

export const SeriesKeySchema = z.object({
  feed: FeedSchema,
  symbol: SymbolSchema,
  interval: IntervalSchema,
});
/** Candles are keyed by (feed, symbol, interval, open time) so feeds never mix. */
export type SeriesKey = z.infer<typeof SeriesKeySchema>;

export const InstrumentSchema = z.object({
  symbol: z.string(),
  status: z.string(),
  baseCoin: z.string(),
  quoteCoin: z.string(),
  tickSize: z.number(),
  qtyStep: z.number(),
  minOrderQty: z.number(),
  minNotionalValue: z.number(),
});
export type Instrument = z.infer<typeof InstrumentSchema>;

/** Where a feed's lot and funding rules came from. */
export const INSTRUMENT_SOURCES = ['exchange', 'simulator', 'user', 'derived'] as const;
export type InstrumentSource = (typeof INSTRUMENT_SOURCES)[number];

/**
 * The trading rules of one symbol on one feed, as the exchange's instruments-info gives them (or the
 * simulator's table, the user's entry for an imported feed, or rules derived from the price).
 * Sizes are in base coin, notional in quote coin, times epoch ms.
 */
export interface InstrumentRules {
  symbol: string;
  /** Bybit's status: PreLaunch, Trading, Delivering, Closed. */
  status: string;
  /** No candle or funding record exists before it. */
  launchTimeMs: number;
  tickSize: number;
  qtyStep: number;
  minOrderQty: number;
  maxMarketOrderQty: number;
  minNotionalValue: number;
  maxLeverage: number;
  /** Minutes between funding times (480 = every 8 h at 00:00, 08:00, 16:00 UTC). */
  fundingIntervalMinutes: number;
  source: InstrumentSource;
  /** When the rules were fetched from the exchange; null for rules not fetched (user, derived). */
  fetchedAtMs: number | null;
}

/** The rules a user gives for an imported feed (validated at the contract; stored with source 'user'). */
export const UserInstrumentRulesSchema = z
  .object({
    symbol: SymbolSchema,
    tickSize: z.number().positive(),
    qtyStep: z.number().positive(),
    minOrderQty: z.number().nonnegative(),
    maxMarketOrderQty: z.number().positive().optional(),
    minNotionalValue: z.number().nonnegative().optional(),
    maxLeverage: z.number().positive().optional(),
    fundingIntervalMinutes: z.number().int().positive().optional(),
    launchTimeMs: z.number().int().nonnegative().optional(),
  })
  .strict();
export type UserInstrumentRules = z.infer<typeof UserInstrumentRulesSchema>;

export const InstrumentRulesSchema = z.object({
  symbol: z.string(),
  status: z.string(),
  launchTimeMs: z.number(),
  tickSize: z.number(),
  qtyStep: z.number(),
  minOrderQty: z.number(),
  maxMarketOrderQty: z.number(),
  minNotionalValue: z.number(),
  maxLeverage: z.number(),
  fundingIntervalMinutes: z.number(),
  source: z.enum(INSTRUMENT_SOURCES),
  fetchedAtMs: z.number().nullable(),
});

/** One settled funding rate: at `fundingTimeMs` every open position pays value × rate (longs pay > 0). */
export interface FundingRate {
  symbol: string;
  fundingTimeMs: number;
  rate: number;
}

export const ConnectionStateSchema = z.enum(['idle', 'connecting', 'live', 'reconnecting', 'offline']);
export type ConnectionState = z.infer<typeof ConnectionStateSchema>;

export const BackendNameSchema = z.enum(['tensorflow', 'wasm', 'cpu', 'none']);
export type BackendName = z.infer<typeof BackendNameSchema>;

/** What the status bar shows. */
export const MarketStatusSchema = z.object({
  feed: z.string(),
  interval: IntervalSchema,
  symbols: z.array(z.string()),
  connection: ConnectionStateSchema,
  /** Why the stream is not live, written for the user; null when live or idle. */
  reason: z.string().nullable(),
  /** Receive time of the last websocket frame, or null. */
  lastFrameAt: z.number().nullable(),
  /** Exchange timestamp → receive time of the last kline frame, in ms, or null. */
  lastFrameLatencyMs: z.number().nullable(),
  /** Wall-clock ms since the last websocket frame when the status was made, or null (no frame yet). */
  lastFrameAgeMs: z.number().nullable().optional(),
  reconnects: z.number().int(),
  /** The backend of the core's thread (decisions, backtest predictions). */
  backend: BackendNameSchema,
  /** Which backend serves which model job; null while the start-up measurement runs. */
  backendJobs: z
    .object({
      training: BackendNameSchema,
      decisions: BackendNameSchema,
      how: z.enum(['measured', 'pinned']),
      /** Trainings that may run at once (walk-forward folds fitted ahead of the one trading). */
      concurrentTrainings: z.number().int().min(1).optional(),
      /** Whether jobs on the native backend run as TensorFlow graphs (the graph addon is built). */
      graphs: z.boolean().optional(),
    })
    .nullable(),
  activeModelId: z.string().nullable(),
});
export type MarketStatus = z.infer<typeof MarketStatusSchema>;

export const JobProgressSchema = z.object({
  jobId: z.string(),
  kind: z.string(),
  /** Units done and total, e.g. candles; total is null when unknown. */
  done: z.number(),
  total: z.number().nullable(),
  message: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;
