// Model calls and events: train (a long-running job), cancel, list, get, delete, predict.
// The model's configuration schema lives here so that the core, the CLI and the renderer share it.
import { z } from 'zod';
import { BackendNameSchema, FeedSchema, IntervalSchema, SymbolSchema } from '../domain';

const Time = z.number().int().nonnegative().describe('epoch ms');

export const FEATURE_NAME_LIST = [
  'logReturn',
  'intradayReturn',
  'range',
  'volumeRatio',
  'volatility',
  'rsi',
  'macd',
  'macdHistogram',
] as const;

export const ModelConfigSchema = z
  .object({
    /** Bars per window (168 hourly bars = 7 days). */
    lookback: z.number().int().min(2).max(2000).default(168),
    /** Target horizon in bars. */
    horizon: z.number().int().min(1).max(500).default(1),
    /** |log return| <= deadBand is the 'flat' class. */
    deadBand: z.number().nonnegative().default(0.0005),
    features: z
      .array(z.enum(FEATURE_NAME_LIST))
      .min(1)
      .default([...FEATURE_NAME_LIST]),
    /** Bars per token: the patch embedding (a strided 1-D convolution as reshape + dense); 1 = per bar. */
    patchLength: z.number().int().min(1).max(500).default(24),
    dModel: z.number().int().min(4).max(512).default(64),
    heads: z.number().int().min(1).max(16).default(4),
    layers: z.number().int().min(1).max(8).default(2),
    /** Feed-forward width as a multiple of dModel. */
    ffnMultiplier: z.number().int().min(1).max(8).default(2),
    dropout: z.number().min(0).max(0.9).default(0.1),
    assetEmbedding: z.boolean().default(true),
    temporalAttention: z.boolean().default(true),
    /** Largest lead in bars of the lagged cross-attention (lag l: key bar = decision bar - (l - 1)); 0 = off. */
    maxLag: z.number().int().min(0).max(48).default(4),
    /** Optional hierarchy: a sector name per symbol and a market name per sector. */
    hierarchy: z
      .object({
        sectors: z.record(z.string(), z.string()),
        markets: z.record(z.string(), z.string()),
      })
      .nullable()
      .default(null),
    portfolio: z.enum(['long-only', 'long-short']).default('long-only'),
    loss: z
      .object({
        mse: z.number().nonnegative().default(1),
        crossEntropy: z.number().nonnegative().default(1),
        sharpe: z.number().nonnegative().default(0.1),
        /** Cost per unit of turnover, as a fraction (0.001 = 0.1% of traded notional). */
        turnoverCost: z.number().nonnegative().default(0.001),
      })
      .prefault({}),
    training: z
      .object({
        epochs: z.number().int().min(1).max(1000).default(30),
        batchSize: z.number().int().min(1).max(512).default(32),
        learningRate: z.number().positive().default(1e-3),
        clipNorm: z.number().positive().default(1),
        /** Share of labelled samples, from the end, held out for validation. */
        validationSplit: z.number().min(0.05).max(0.5).default(0.2),
        /** Reduce-on-plateau: epochs without improvement before the rate halves. */
        plateauPatience: z.number().int().min(1).default(3),
        plateauFactor: z.number().min(0.05).max(0.95).default(0.5),
        /** Early stopping: epochs without improvement before training stops (best weights kept). */
        earlyStopPatience: z.number().int().min(1).default(6),
        /** Steps per epoch cap (0 = all samples); keeps huge ranges bounded. */
        maxStepsPerEpoch: z.number().int().nonnegative().default(0),
        /** Consecutive samples per chunk inside a batch, so the turnover cost sees neighbouring decisions. */
        chunkLength: z.number().int().min(1).max(64).default(4),
        /**
         * Worker threads a training step uses: 2 splits each batch across the training worker and one
         * replica (exact data parallelism; wasm is single-threaded in Node, so this uses a second core).
         */
        workers: z.number().int().min(1).max(2).default(2),
      })
      .prefault({}),
  })
  .strict();
export type ModelConfigInput = z.input<typeof ModelConfigSchema>;
export type ModelConfig = z.output<typeof ModelConfigSchema>;

export const ModelMetricsSchema = z.object({
  epochs: z.number().int(),
  bestEpoch: z.number().int(),
  trainLoss: z.number(),
  validationLoss: z.number(),
  /** Held-out direction accuracy over up/down samples (flat ones excluded), 0..1. */
  directionAccuracy: z.number(),
  /** Over all classes. */
  directionAccuracyAll: z.number(),
  validationSamples: z.number().int(),
  /** Mean cross-asset attention on the validation set, [query asset][key asset]. */
  meanAttention: z.array(z.array(z.number())),
  /** Learned lag weights, index i = lag i + 1 bars. */
  lagWeights: z.array(z.number()),
  /** Validation Sharpe of the portfolio head (per bar, not annualised), net of turnover cost. */
  validationSharpe: z.number(),
  samplesPerSecond: z.number(),
  /** Samples trained on, over every epoch run (absent in models saved before it was recorded). */
  trainedSamples: z.number().int().nonnegative().optional(),
  durationMs: z.number(),
});
export type ModelMetrics = z.infer<typeof ModelMetricsSchema>;

export const ModelInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  feed: z.string(),
  symbols: z.array(z.string()),
  interval: IntervalSchema,
  trainFrom: z.number(),
  trainTo: z.number(),
  /** sha256 of the training candles (hex). */
  dataHash: z.string(),
  seed: z.number().int(),
  backend: BackendNameSchema,
  config: ModelConfigSchema,
  metrics: ModelMetricsSchema,
  /** The backtest that trained it for one of its walk-forward folds; null for a model the user trained. */
  backtestId: z.string().nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

export const PredictionSchema = z.object({
  modelId: z.string(),
  /** Open time of the decision bar (the prediction is made at its close). */
  time: z.number(),
  symbols: z.array(z.string()),
  weights: z.array(z.number()),
  /** Predicted log return over the horizon, per symbol. */
  returns: z.array(z.number()),
  /** [symbol][down, flat, up]. */
  direction: z.array(z.array(z.number())),
  /** [layer][head][query asset][key asset]. */
  attention: z.array(z.array(z.array(z.array(z.number())))),
  /** Index i = lag i + 1 bars. */
  lagWeights: z.array(z.number()),
});
export type Prediction = z.infer<typeof PredictionSchema>;

export const ModelProgressSchema = z.object({
  jobId: z.string(),
  epoch: z.number().int(),
  epochs: z.number().int(),
  step: z.number().int(),
  steps: z.number().int(),
  trainLoss: z.number(),
  validationLoss: z.number().nullable(),
  /** Component losses of the last step. */
  losses: z.object({ mse: z.number(), crossEntropy: z.number(), sharpe: z.number() }),
  learningRate: z.number(),
  samplesPerSecond: z.number(),
  /** Estimated ms left, null when unknown. */
  etaMs: z.number().nullable(),
});
export type ModelProgress = z.infer<typeof ModelProgressSchema>;

export const modelCalls = {
  'model.train': {
    params: z
      .object({
        feed: FeedSchema,
        symbols: z.array(SymbolSchema).min(1).max(20),
        interval: IntervalSchema,
        from: Time,
        to: Time,
        config: ModelConfigSchema.optional(),
        seed: z.number().int().nonnegative().default(1),
        name: z.string().min(1).max(120).optional(),
        jobId: z.string().min(1).max(80).optional(),
      })
      .strict()
      .refine((p) => p.from < p.to, { message: '`from` must be before `to`', path: ['from'] }),
    result: ModelInfoSchema,
  },
  'model.cancel': {
    params: z.object({ jobId: z.string().min(1).max(80) }).strict(),
    result: z.object({ cancelled: z.boolean() }),
  },
  'model.list': {
    params: z
      .object({
        /** Also list the models backtests trained for their folds (default: only the user's own). */
        includeFolds: z.boolean().optional(),
        /** Only the fold models of this backtest. */
        backtestId: z.string().min(1).max(80).optional(),
      })
      .strict(),
    result: z.array(ModelInfoSchema),
  },
  'model.get': {
    params: z.object({ id: z.string().min(1).max(80) }).strict(),
    result: ModelInfoSchema,
  },
  'model.delete': {
    params: z.object({ id: z.string().min(1).max(80) }).strict(),
    result: z.object({ deleted: z.boolean() }),
  },
  'model.predict': {
    params: z
      .object({
        id: z.string().min(1).max(80),
        /** Decision bar open time; default the latest closed bar of every symbol. */
        time: Time.optional(),
      })
      .strict(),
    result: PredictionSchema,
  },
} as const;

export const modelEvents = {
  'model.progress': ModelProgressSchema,
} as const;
