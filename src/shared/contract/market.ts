// Market data calls and events: stored candles, backfill, the live stream, CSV import.
import { z } from 'zod';
import {
  CandleSchema,
  FeedSchema,
  IntervalSchema,
  JobProgressSchema,
  MarketStatusSchema,
  SymbolSchema,
} from '../domain';

const Time = z.number().int().nonnegative().describe('epoch ms');
const Url = z.string().url();

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
        /** The newest `limit` candles of the range (ascending order kept). */
        limit: z.number().int().positive().max(1_000_000).optional(),
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
        symbols: z.array(SymbolSchema).min(1),
        interval: IntervalSchema,
        from: Time,
        to: Time,
        restUrl: Url.optional(),
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
        restUrl: Url.optional(),
        wsUrl: Url.optional(),
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
  'market.importCsv': {
    params: z
      .object({
        feed: FeedSchema,
        symbol: SymbolSchema,
        interval: IntervalSchema,
        /** A file on the core's machine, or the file's text (from a browser's file picker). */
        path: z.string().min(1).optional(),
        content: z.string().optional(),
      })
      .strict()
      .refine((p) => (p.path === undefined) !== (p.content === undefined), {
        message: 'give exactly one of `path` and `content`',
      }),
    result: z.object({
      rows: z.number().int(),
      first: z.number().nullable(),
      last: z.number().nullable(),
      /** Which timestamp unit was detected: ms, s or iso. */
      timeFormat: z.enum(['ms', 's', 'iso']),
    }),
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
