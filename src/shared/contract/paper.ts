// Paper trading calls and events: a simulated account that rebalances on every closed bar of the live
// stream through the same engine as backtests, persisted bar by bar so that a restart resumes it.
import { z } from 'zod';
import { FeedSchema, IntervalSchema, SymbolSchema } from '../domain';
import {
  BacktestStrategyNameSchema,
  CostsSchema,
  FillSchema,
  FundingPaymentSchema,
  RiskSchema,
} from './backtest';

const AccountId = z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, 'account ids are letters, digits, - and _');

export const PaperStartParamsSchema = z
  .object({
    /** Default 'default'. An existing account with the same settings resumes. */
    accountId: AccountId.optional(),
    /** Default: the settings' feed, symbols and interval. */
    feed: FeedSchema.optional(),
    symbols: z.array(SymbolSchema).min(1).max(20).optional(),
    interval: IntervalSchema.optional(),
    strategy: BacktestStrategyNameSchema.default('equal-weight-rebalanced'),
    /** With strategy 'model': this trained model; default the newest one trained on these symbols. */
    modelId: z.string().min(1).max(80).optional(),
    initialCapital: z.number().positive().max(1e15).default(100_000),
    costs: CostsSchema.partial().optional(),
    risk: RiskSchema.partial().optional(),
    /** Training bars for strategies fitted on stored history before the first trade. */
    trainBars: z.number().int().min(10).max(1_000_000).default(2_000),
    /** Delete the account (fills and equity included) and start afresh. */
    reset: z.boolean().optional(),
  })
  .strict();

export const PositionSchema = z.object({
  symbol: z.string(),
  quantity: z.number(),
  averageEntry: z.number(),
  /** Last close. */
  price: z.number(),
  value: z.number(),
  weight: z.number(),
  unrealisedPnl: z.number(),
  realisedPnl: z.number(),
  fees: z.number(),
  /** Funding paid on this position net of funding received, quote coin. */
  funding: z.number().optional(),
});

export const PendingOrderSchema = z.object({
  symbol: z.string(),
  quantity: z.number(),
  decidedAt: z.number(),
  reason: z.enum(['rebalance', 'kill']),
});

/** Why paper trading stopped on a bar it could not apply (the account stays as of the bar before). */
export const PaperErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** Open time of the bar that failed, or null when it failed before a bar (e.g. loading history). */
  barTime: z.number().nullable(),
  /** When it failed (the exchange's clock). */
  at: z.number(),
  /** What the user can do, e.g. "Start the account again to retry from that bar." */
  action: z.string(),
});
export type PaperError = z.infer<typeof PaperErrorSchema>;

export const PaperAccountSchema = z.object({
  id: z.string(),
  running: z.boolean(),
  feed: z.string(),
  symbols: z.array(z.string()),
  interval: IntervalSchema,
  strategy: z.string(),
  modelId: z.string().nullable(),
  createdAt: z.number(),
  /** First bar the account trades on; earlier bars only build history. */
  startTime: z.number(),
  /** Open time of the last bar applied, or null. */
  lastBarTime: z.number().nullable(),
  initialCapital: z.number(),
  equity: z.number(),
  cash: z.number(),
  gross: z.number(),
  peakEquity: z.number(),
  drawdown: z.number(),
  killed: z.boolean(),
  totalFees: z.number(),
  /** Funding paid net of funding received, quote coin. */
  totalFunding: z.number().optional(),
  positions: z.array(PositionSchema),
  /** Decided at the close of lastBarTime, filling at the next bar's open. */
  pendingOrders: z.array(PendingOrderSchema),
  /**
   * What happened to the account that the user did not ask for, in words: resumed after a restart,
   * stopped because the app's interval changed, the kill switch tripped. Null when nothing did.
   */
  notice: z.string().nullable().optional(),
  /** The failure that stopped the account, with what to do about it; null while none did. */
  error: PaperErrorSchema.nullable().optional(),
});
export type PaperAccount = z.infer<typeof PaperAccountSchema>;

export const paperCalls = {
  'paper.start': {
    params: PaperStartParamsSchema,
    result: PaperAccountSchema,
  },
  'paper.stop': {
    params: z.object({ accountId: AccountId.optional() }).strict(),
    result: PaperAccountSchema.nullable(),
  },
  'paper.account': {
    params: z.object({ accountId: AccountId.optional() }).strict(),
    /** null when the account does not exist. */
    result: PaperAccountSchema.nullable(),
  },
  'paper.fills': {
    params: z
      .object({
        accountId: AccountId.optional(),
        limit: z.number().int().positive().max(10_000).default(100),
        /** Page backwards: fills with seq below this. */
        beforeSeq: z.number().int().nonnegative().optional(),
      })
      .strict(),
    /** Newest first. */
    result: z.array(FillSchema.extend({ seq: z.number().int() })),
  },
  'paper.funding': {
    params: z
      .object({
        accountId: AccountId.optional(),
        limit: z.number().int().positive().max(10_000).optional(),
      })
      .strict(),
    /** Funding payments, newest first: a ledger of their own next to the fills. */
    result: z.array(FundingPaymentSchema.extend({ seq: z.number().int() })),
  },
  'paper.equity': {
    params: z
      .object({
        accountId: AccountId.optional(),
        from: z.number().int().nonnegative().default(0),
        /** Newest marks up to this time; older pages: `to` just before the first mark returned. */
        to: z.number().int().nonnegative().optional(),
        /** The newest `limit` marks of the range (oldest first); at most and by default 10,000. */
        limit: z.number().int().positive().max(10_000).default(10_000),
      })
      .strict(),
    result: z.array(
      z.object({
        time: z.number(),
        equity: z.number(),
        cash: z.number(),
        gross: z.number(),
        drawdown: z.number(),
        weights: z.array(z.number()),
      }),
    ),
  },
} as const;

export const paperEvents = {
  /** Weights at the close of each applied bar, and the target when the strategy decided. */
  'paper.weights': z.object({
    accountId: z.string(),
    time: z.number(),
    symbols: z.array(z.string()),
    weights: z.array(z.number()),
    target: z.array(z.number()).nullable(),
  }),
  /** The model's cross-asset attention at a decision (rows query asset, columns key asset). */
  'paper.attention': z.object({
    accountId: z.string(),
    time: z.number(),
    symbols: z.array(z.string()),
    matrix: z.array(z.array(z.number())),
    lagWeights: z.array(z.number()).nullable(),
    /** Per layer and head, [layer][head][query asset][key asset]; `matrix` is their mean. */
    heads: z.array(z.array(z.array(z.array(z.number())))).optional(),
  }),
  'paper.fill': z.object({ accountId: z.string(), fill: FillSchema }),
  /** The account started, stopped (by the user, an error, a settings change) or its kill switch tripped. */
  'paper.state': z.object({ accountId: z.string(), running: z.boolean(), notice: z.string().nullable() }),
  'paper.equity': z.object({
    accountId: z.string(),
    time: z.number(),
    equity: z.number(),
    cash: z.number(),
    gross: z.number(),
    drawdown: z.number(),
    killed: z.boolean(),
  }),
} as const;
