// Backtest calls: run a walk-forward backtest over stored candles (a job with progress and cancel),
// list, load, export and delete stored runs. Timing convention of every series: values are at the
// close of the bar whose open time is given; fills are at the open of the bar after the decision.
import { z } from 'zod';
import { FeedSchema, IntervalSchema, SymbolSchema } from '../domain';
import { ModelConfigSchema } from './model';

const Time = z.number().int().nonnegative().describe('epoch ms');
const Ratio = z.number().nullable();

export const BASELINE_NAMES = [
  'equal-weight-rebalanced',
  'equal-weight-buy-and-hold',
  'btc-only',
  'cross-sectional-momentum',
] as const;

/** 'model' trains the attention model per fold; the others need no training. */
export const BacktestStrategyNameSchema = z.enum(['model', 'linear-lead-lag', ...BASELINE_NAMES]);

/** How a backtest of strategy 'model' gets its model: one trained per fold (with `config`), or `modelId`. */
/** Which head of the model the target weights come from (trading/model-strategy.ts). */
export const MODEL_WEIGHTS_FROM = ['portfolio-head', 'return-head'] as const;
export type ModelWeightsFrom = (typeof MODEL_WEIGHTS_FROM)[number];
/** The portfolio head: it trades far less than the return head's forecasts (docs/trading-rules.md). */
export const DEFAULT_MODEL_WEIGHTS_FROM: ModelWeightsFrom = 'portfolio-head';

export const BacktestModelSettingsSchema = z
  .object({
    /** Use this trained model for every fold instead of training one per fold. */
    modelId: z.string().min(1).max(80).optional(),
    /** The configuration of the model trained per fold; its defaults are the model's. */
    config: ModelConfigSchema.optional(),
    seed: z.number().int().nonnegative().optional(),
    /** Weights from the portfolio head (the default) or from the return head's forecasts. */
    weightsFrom: z.enum(MODEL_WEIGHTS_FROM).optional(),
  })
  .strict();
export type BacktestModelSettings = z.output<typeof BacktestModelSettingsSchema>;
export type BacktestStrategyName = z.infer<typeof BacktestStrategyNameSchema>;

export const CostsSchema = z
  .object({
    /** Taker fee, fraction of notional (Bybit linear taker: 0.00055). */
    feeRate: z.number().min(0).max(0.05),
    slippageBps: z.number().min(0).max(1000),
    /** Extra slippage in units of recent return volatility; 0 disables. */
    volatilityMultiplier: z.number().min(0).max(100),
    volatilityWindow: z.number().int().min(2).max(10_000),
  })
  .strict();
export type Costs = z.infer<typeof CostsSchema>;

/** Bybit's linear taker fee (0.055% of notional) and 2 bps of slippage; no volatility-scaled slippage. */
export const DEFAULT_COSTS: Costs = {
  feeRate: 0.00055,
  slippageBps: 2,
  volatilityMultiplier: 0,
  volatilityWindow: 24,
};

export const RiskSchema = z
  .object({
    maxWeight: z.number().min(0).max(10),
    maxGross: z.number().min(0).max(10),
    leverage: z.number().positive().max(100),
    allowShort: z.boolean(),
    /** Drawdown from peak that flattens the book for good; 1 disables. */
    killDrawdown: z.number().positive().max(1),
    minTradeNotional: z.number().min(0),
    rebalanceThreshold: z.number().min(0).max(10),
    /**
     * Half-width of the no-trade band around the current weights, in round-trip costs
     * (2 x (feeRate + slippage)): a weight change is traded only beyond it. 0 trades every change.
     */
    noTradeBand: z.number().min(0).max(1000).default(20),
    cadenceBars: z.number().int().min(1).max(100_000),
  })
  .strict();
export type Risk = z.infer<typeof RiskSchema>;

/**
 * Long-short at gross 1, at most 2x leverage, no kill switch, asked every bar; a weight change is traded
 * only beyond 20 round-trip costs (0.03 of equity at the default costs; see trading/rebalancer.ts).
 */
export const DEFAULT_RISK: Risk = {
  maxWeight: 1,
  maxGross: 1,
  leverage: 2,
  allowShort: true,
  killDrawdown: 1,
  minTradeNotional: 10,
  rebalanceThreshold: 0.01,
  noTradeBand: 20,
  cadenceBars: 1,
};

export const BacktestParamsSchema = z
  .object({
    feed: FeedSchema,
    symbols: z.array(SymbolSchema).min(1).max(20),
    interval: IntervalSchema,
    from: Time,
    to: Time,
    strategy: BacktestStrategyNameSchema.default('linear-lead-lag'),
    name: z.string().min(1).max(120).optional(),
    trainBars: z.number().int().min(1).max(1_000_000).optional(),
    testBars: z.number().int().min(1).max(1_000_000).optional(),
    /** Gap between training and test bars: the label horizon. */
    purgeBars: z.number().int().min(0).max(100_000).optional(),
    expanding: z.boolean().optional(),
    initialCapital: z.number().positive().optional(),
    costs: CostsSchema.partial().optional(),
    risk: RiskSchema.partial().optional(),
    /** Model settings passed to the model's fit when strategy is 'model'. */
    model: BacktestModelSettingsSchema.optional(),
    /** Client-chosen id so that job.progress events and job.cancel can name this job. */
    jobId: z.string().min(1).max(80).optional(),
  })
  .strict()
  .refine((p) => p.from <= p.to, { message: '`from` must not be after `to`', path: ['from'] });
export type BacktestParams = z.input<typeof BacktestParamsSchema>;

/** A per-bar correlation series summarised as Qlib reports IC (trading/statistics.ts). */
export const CorrelationSummarySchema = z.object({
  count: z.number().int(),
  mean: Ratio,
  std: Ratio,
  tStat: Ratio,
  icir: Ratio,
});

export const ForecastMetricsSchema = z.object({
  count: z.number().int(),
  hitRate: Ratio,
  informationCoefficient: Ratio,
  pooledInformationCoefficient: Ratio,
  /** Pearson IC across assets per decision bar; absent on runs stored before it existed. */
  ic: CorrelationSummarySchema.optional(),
  /** Spearman (rank) IC across assets per decision bar. */
  rankIc: CorrelationSummarySchema.optional(),
});

/** A 95% stationary-block-bootstrap interval (1,000 resamples, mean block one day of bars, seeded). */
export const IntervalSchema95 = z.object({ low: Ratio, high: Ratio });

/** The strategy's Sharpe minus the best baseline's, with its paired-bootstrap 95% interval. */
export const SharpeDifferenceSchema = z.object({
  baseline: z.string(),
  difference: Ratio,
  low: Ratio,
  high: Ratio,
});

/** See src/main/core/trading/metrics.ts for every definition. */
export const PerformanceMetricsSchema = z.object({
  bars: z.number().int(),
  years: z.number(),
  totalReturn: z.number(),
  cagr: Ratio,
  volatility: Ratio,
  sharpe: Ratio,
  sortino: Ratio,
  calmar: Ratio,
  maxDrawdown: z.number(),
  maxDrawdownBars: z.number().int(),
  maxDrawdownMs: z.number(),
  winRate: Ratio,
  turnover: z.number(),
  annualTurnover: Ratio,
  feesPaid: z.number(),
  feesFraction: z.number(),
  /** Funding paid net of funding received, quote coin (absent in runs stored before funding). */
  fundingPaid: z.number().optional(),
  /** fundingPaid / initial capital. */
  fundingFraction: z.number().optional(),
  exposure: z.number(),
  timeInMarket: z.number(),
  contribution: z.record(z.string(), z.number()),
  forecast: ForecastMetricsSchema.optional(),
  /** 95% interval of the annualised Sharpe; absent on runs stored before it existed. */
  sharpeInterval: IntervalSchema95.optional(),
  /** On the strategy under test only. */
  sharpeVsBestBaseline: SharpeDifferenceSchema.optional(),
});
export type PerformanceMetricsDto = z.infer<typeof PerformanceMetricsSchema>;

export const StrategyRoleSchema = z.enum(['strategy', 'baseline']);

export const StrategyMetricsSchema = z.object({
  strategy: z.string(),
  role: StrategyRoleSchema,
  metrics: PerformanceMetricsSchema,
});

export const FillSchema = z.object({
  /** Open time of the bar whose open filled the order. */
  time: z.number(),
  /** Open time of the bar at whose close the order was decided. */
  decidedAt: z.number(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  quantity: z.number(),
  price: z.number(),
  notional: z.number(),
  fee: z.number(),
  slippageBps: z.number(),
  realisedPnl: z.number(),
  reason: z.enum(['rebalance', 'kill']),
});
export type FillDto = z.infer<typeof FillSchema>;

/** A funding payment: a ledger entry of its own next to the fills. */
export const FundingPaymentSchema = z.object({
  /** The funding time. */
  time: z.number(),
  symbol: z.string(),
  /** Signed position held at the funding time, base coin. */
  quantity: z.number(),
  /** Mark price used, quote coin. */
  price: z.number(),
  /** quantity × price, quote coin. */
  positionValue: z.number(),
  rate: z.number(),
  /** positionValue × rate, quote coin: > 0 paid, < 0 received. */
  payment: z.number(),
});
export type FundingPaymentDto = z.infer<typeof FundingPaymentSchema>;

/** Where each symbol's lot rules came from, and whether funding was modelled, as the run report says. */
export const RunMarketRulesSchema = z.object({
  /** Per symbol: 'exchange' | 'simulator' | 'user' | 'derived'. */
  instrumentsSource: z.record(z.string(), z.string()),
  /** Per symbol: whether funding history covered the run. */
  fundingModelled: z.record(z.string(), z.boolean()),
  /** Plain sentences, e.g. "funding not modelled: no funding history for BTCUSDT on feed 'my-csv'". */
  notes: z.array(z.string()),
});
export type RunMarketRules = z.infer<typeof RunMarketRulesSchema>;

export const BacktestSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  feed: z.string(),
  symbols: z.array(z.string()),
  interval: IntervalSchema,
  from: z.number(),
  to: z.number(),
  strategy: z.string(),
  /** First and last out-of-sample bar (open times). */
  outOfSampleFrom: z.number(),
  outOfSampleTo: z.number(),
  bars: z.number().int(),
  folds: z.number().int(),
  metrics: z.array(StrategyMetricsSchema),
  /** Lot rules and funding the run used (absent in runs stored before they were recorded). */
  marketRules: RunMarketRulesSchema.optional(),
});
export type BacktestSummary = z.infer<typeof BacktestSummarySchema>;

export const FoldSchema = z.object({
  index: z.number().int(),
  trainFrom: z.number(),
  trainTo: z.number(),
  testFrom: z.number(),
  testTo: z.number(),
  modelId: z.string().nullable(),
});

export const StrategySeriesSchema = z.object({
  strategy: z.string(),
  role: StrategyRoleSchema,
  equity: z.array(z.number()),
  /** 1 - equity / running peak. */
  drawdown: z.array(z.number()),
  gross: z.array(z.number()),
  /** weights[bar][asset], assets in the run's symbol order. */
  weights: z.array(z.array(z.number())),
});

export const AttentionSeriesSchema = z.object({
  times: z.array(z.number()),
  /** matrices[decision][query asset][key asset]. */
  matrices: z.array(z.array(z.array(z.number()))),
  lagWeights: z.array(z.array(z.number())),
});

export const BacktestDetailSchema = BacktestSummarySchema.extend({
  /** The resolved settings the run used (defaults applied). */
  params: z.record(z.string(), z.unknown()),
  foldList: z.array(FoldSchema),
  /** Open times of the out-of-sample bars; series values are at their closes. */
  times: z.array(z.number()),
  series: z.array(StrategySeriesSchema),
  attention: AttentionSeriesSchema.nullable(),
  fillCounts: z.record(z.string(), z.number().int()),
  /** Present when asked for with `fills: true`. */
  fills: z.array(FillSchema.extend({ strategy: z.string() })).optional(),
  /** Funding payments per strategy, present with `fills: true` (or `fillsOf`). */
  funding: z.array(FundingPaymentSchema.extend({ strategy: z.string() })).optional(),
});
export type BacktestDetail = z.infer<typeof BacktestDetailSchema>;

export const BacktestExportTableSchema = z.enum([
  'metrics',
  'equity',
  'weights',
  'fills',
  'funding',
  'folds',
]);

const Id = z.string().min(1).max(80);

export const backtestCalls = {
  'backtest.run': {
    params: BacktestParamsSchema,
    result: BacktestSummarySchema.extend({ jobId: z.string() }),
  },
  'backtest.list': {
    params: z.object({ limit: z.number().int().positive().max(10_000).optional() }).strict(),
    result: z.array(BacktestSummarySchema),
  },
  'backtest.get': {
    params: z
      .object({ id: Id, fills: z.boolean().optional(), fillsOf: z.string().max(80).optional() })
      .strict(),
    result: BacktestDetailSchema,
  },
  'backtest.delete': {
    params: z.object({ id: Id }).strict(),
    result: z.object({ deleted: z.boolean() }),
  },
  'backtest.exportCsv': {
    params: z.object({ id: Id, table: BacktestExportTableSchema }).strict(),
    result: z.object({ filename: z.string(), csv: z.string() }),
  },
} as const;
