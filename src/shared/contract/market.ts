// Market data calls and events: stored candles, backfill, the live stream, CSV import.
import { z } from 'zod';
import {
  CandleSchema,
  FeedSchema,
  InstrumentRulesSchema,
  IntervalSchema,
  JobProgressSchema,
  MarketStatusSchema,
  SymbolSchema,
  UserInstrumentRulesSchema,
} from '../domain';

const Time = z.number().int().nonnegative().describe('epoch ms');
/** REST endpoints are http(s) only; a websocket endpoint ws(s) only. */
export const HttpUrlSchema = schemeUrl(['http:', 'https:']);
export const WsUrlSchema = schemeUrl(['ws:', 'wss:']);

function schemeUrl(schemes: string[]) {
  return (
    z
      .string()
      .max(2048)
      .url()
      // Checks run even when .url() failed, so the URL is parsed defensively here.
      .refine((value) => URL.canParse(value) && schemes.includes(new URL(value).protocol), {
        message: `the URL must start with ${schemes.map((s) => `${s}//`).join(' or ')}`,
      })
  );
}

/** The most candles one market.candles call returns; page older ones with `to`. */
export const MAX_CANDLES_PAGE = 10_000;
/** The largest `content` one call may carry (characters); larger files go up in chunks. */
export const MAX_UPLOAD_CHUNK_CHARS = 512 * 1024;

/**
 * Feeds whose candles come from an exchange (or the embedded simulator). Imports never write into
 * them: an import would replace the exchange's bars for good.
 */
export const EXCHANGE_FEEDS: readonly string[] = ['bybit', 'bybit-testnet', 'simulator'];

const ImportFeedSchema = FeedSchema.refine((feed) => !EXCHANGE_FEEDS.includes(feed), {
  message:
    "imports never go into an exchange's feed (bybit, bybit-testnet, simulator): name a feed of your own, e.g. 'csv' or 'my-data'",
});

/** Where an import's text is: inline (small files) or an upload sent with market.upload.chunk. */
const ImportSourceFields = {
  content: z.string().max(MAX_UPLOAD_CHUNK_CHARS).optional(),
  uploadId: z.string().min(1).max(80).optional(),
  /** Client-chosen id so that job.progress events and job.cancel can name the import. */
  jobId: z.string().min(1).max(80).optional(),
};
const oneSource = (p: { content?: string; uploadId?: string }) =>
  (p.content === undefined) !== (p.uploadId === undefined);
const ONE_SOURCE = { message: 'give exactly one of `content` and `uploadId`' };

export const SeriesCoverageSchema = z.object({
  feed: z.string(),
  symbol: z.string(),
  interval: IntervalSchema,
  /** Confirmed candles only. */
  count: z.number().int(),
  first: z.number().nullable(),
  last: z.number().nullable(),
  /** Missing bars between first and last. */
  gaps: z.number().int(),
  /**
   * With `gapRanges: true`: the oldest runs of missing bars (open times of a run's first and last
   * missing bar), at most MAX_GAP_RANGES; absent when not asked or the series is too long to scan.
   */
  gapRanges: z.array(z.object({ from: z.number(), to: z.number(), bars: z.number().int() })).optional(),
});
export type SeriesCoverage = z.infer<typeof SeriesCoverageSchema>;
export const MAX_GAP_RANGES = 20;

export const marketCalls = {
  'market.symbols': {
    params: z
      .object({
        feed: FeedSchema.optional(),
        /** List the stored series of every feed (the Data view); `feed` then only names the result's feed. */
        allFeeds: z.boolean().optional(),
        /** Also list where the gaps are (SeriesCoverage.gapRanges). */
        gapRanges: z.boolean().optional(),
      })
      .strict(),
    result: z.object({
      feed: z.string(),
      interval: IntervalSchema,
      /** The symbols the settings ask to stream. */
      configured: z.array(z.string()),
      /** Every stored series of the feed (of every feed with `allFeeds`), with coverage. */
      stored: z.array(SeriesCoverageSchema),
    }),
  },
  'market.candles': {
    params: z
      .object({
        feed: FeedSchema,
        symbol: SymbolSchema,
        interval: IntervalSchema,
        from: Time.optional(),
        to: Time.optional(),
        /**
         * The newest `limit` candles of the range (ascending order kept); at most MAX_CANDLES_PAGE,
         * also the default. Older pages: call again with `to` just before the first candle returned.
         */
        limit: z.number().int().positive().max(MAX_CANDLES_PAGE).default(MAX_CANDLES_PAGE),
        /** Include the bar still forming (the default for charts). */
        includeUnconfirmed: z.boolean().optional(),
      })
      .strict(),
    result: z.array(CandleSchema),
  },
  'market.backfill': {
    params: z
      .object({
        feed: FeedSchema,
        symbols: z.array(SymbolSchema).min(1).max(100),
        interval: IntervalSchema,
        from: Time,
        to: Time,
        restUrl: HttpUrlSchema.optional(),
        /** Client-chosen id so that job.progress events and job.cancel can name this job. */
        jobId: z.string().min(1).max(80).optional(),
      })
      .strict()
      .refine((p) => p.from <= p.to, { message: '`from` must not be after `to`', path: ['from'] }),
    result: z.object({
      jobId: z.string(),
      /** Candles written per symbol (confirmed and the forming one). */
      written: z.record(z.string(), z.number().int()),
      /** Funding rates written per symbol (the funding history of the same range). */
      funding: z.record(z.string(), z.number().int()).optional(),
    }),
  },
  'market.stream.start': {
    params: z
      .object({
        feed: FeedSchema.optional(),
        symbols: z.array(SymbolSchema).min(1).optional(),
        interval: IntervalSchema.optional(),
        restUrl: HttpUrlSchema.optional(),
        wsUrl: WsUrlSchema.optional(),
      })
      .strict(),
    result: MarketStatusSchema,
  },
  'market.stream.stop': {
    params: z.object({}).strict(),
    result: MarketStatusSchema,
  },
  'market.status': {
    params: z.object({}).strict(),
    result: MarketStatusSchema,
  },
  'market.upload.chunk': {
    /**
     * One piece of a large import's text, in order (`seq` 0, 1, …); the first creates the upload
     * and returns its id. An upload is kept until imported, or dropped after 10 idle minutes.
     */
    params: z
      .object({
        uploadId: z.string().min(1).max(80).optional(),
        seq: z.number().int().nonnegative(),
        content: z.string().max(MAX_UPLOAD_CHUNK_CHARS),
      })
      .strict()
      .refine((p) => (p.seq === 0) === (p.uploadId === undefined), {
        message: 'the first chunk (seq 0) has no uploadId; later ones name it',
        path: ['uploadId'],
      }),
    result: z.object({ uploadId: z.string(), chars: z.number().int() }),
  },
  'market.instruments': {
    /** The stored trading rules of a feed's symbols, with their source and the time fetched. */
    params: z.object({ feed: FeedSchema }).strict(),
    result: z.array(InstrumentRulesSchema),
  },
  'market.setInstruments': {
    /** Lot rules the user gives for an imported feed (backtests and paper trading then use them). */
    params: z
      .object({ feed: ImportFeedSchema, rules: z.array(UserInstrumentRulesSchema).min(1).max(20) })
      .strict(),
    result: z.array(InstrumentRulesSchema),
  },
  'market.importCsv': {
    /** OHLCV candles into a feed of the user's (never an exchange's); all rows or none, as a job. */
    params: z
      .object({
        feed: ImportFeedSchema,
        symbol: SymbolSchema,
        interval: IntervalSchema,
        ...ImportSourceFields,
      })
      .strict()
      .refine(oneSource, ONE_SOURCE),
    result: z.object({
      rows: z.number().int(),
      first: z.number().nullable(),
      last: z.number().nullable(),
      /** Which timestamp unit was detected: ms, s or iso. */
      timeFormat: z.enum(['ms', 's', 'iso']),
    }),
  },
  'market.importFundingCsv': {
    /**
     * Funding history (`funding_time_ms,funding_rate`, rates as fractions) into a feed of the user's;
     * all rows or none, as a job. Exchange feeds get theirs from the exchange.
     */
    params: z
      .object({ feed: ImportFeedSchema, symbol: SymbolSchema, ...ImportSourceFields })
      .strict()
      .refine(oneSource, ONE_SOURCE),
    result: z.object({ rows: z.number().int(), first: z.number().nullable(), last: z.number().nullable() }),
  },
} as const;

export const marketEvents = {
  /** Every upsert of a candle from the live stream (forming or confirmed). */
  'market.candle': z.object({
    feed: z.string(),
    symbol: z.string(),
    interval: IntervalSchema,
    candle: CandleSchema,
  }),
  'market.status': MarketStatusSchema,
  'job.progress': JobProgressSchema,
} as const;
