// The attention model as a trading strategy. By default its target weights are the portfolio head's
// (trained on a Sharpe objective net of turnover cost); `weightsFrom: 'return-head'` trades the return
// head's forecasts instead (see ModelWeightsFrom). The return head is always kept as the forecast (hit
// rate, IC) and its cross-asset attention (mean over layers and heads) for the heatmap. Inference is asynchronous and batched, so predictions
// are computed in `prepare` (per fold in backtests, per decision in paper trading) and `decide` looks
// them up by bar time. Walk-forward: one model trained per fold on the fold's training window only.
import {
  DEFAULT_MODEL_WEIGHTS_FROM,
  MODEL_WEIGHTS_FROM,
  type BacktestModelSettings,
  type ModelWeightsFrom,
} from '../../../shared/contract/backtest';
import type { ModelConfig, ModelInfo } from '../../../shared/contract/model';
import { ModelConfigSchema } from '../../../shared/contract/model';
import { baseAsset, intervalName, type Interval } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import type { AlignedCandles } from '../features/align';
import { firstDecisionBar } from '../features/windows';
import { featureSpecOf } from '../model/dataset';
import type { SamplePrediction } from '../model/infer';
import type { FitFunction } from './backtest';
import { candlesOf, type MarketData } from './market-data';
import type { ModelStrategyProvider } from './strategies';
import type { PrepareRequest, Strategy } from './types';

/** What the model domain offers trading (ModelService satisfies it). */
export interface ModelPort {
  registry: {
    info(id: string): ModelInfo;
    /** The user's own models (fold models of backtests left out). */
    list(): ModelInfo[];
    /** Deletes the fold models a backtest trained. */
    deleteOfBacktest?(backtestId: string): number;
  };
  predictAligned(
    id: string,
    aligned: AlignedCandles,
    decisionBars: readonly number[],
  ): Promise<SamplePrediction[]>;
  train(
    params: {
      feed: string;
      symbols: string[];
      interval: Interval;
      from: number;
      to: number;
      config?: ModelConfig;
      seed: number;
      name?: string;
      jobId?: string;
      /** The backtest whose fold this model is. */
      backtestId?: string;
    },
    signal: AbortSignal,
  ): Promise<ModelInfo>;
  /** How many trainings may run at once (walk-forward folds fitted ahead); default one. */
  concurrentTrainings?(): Promise<number>;
  /**
   * Ends the training workers kept between a backtest's fold trainings (its `backtestId` trainings
   * keep theirs for the next fold). Called when the run's fits are over.
   */
  endKeptTrainingWorkers?(): void;
}

/** Extra bars before a window so the MACD's EMAs have forgotten their seed (as the model's predict). */
const EMA_SETTLE_BARS = 300;

function toAligned(data: MarketData, interval: Interval): AlignedCandles {
  return {
    symbols: [...data.symbols],
    interval,
    times: Array.from(data.times),
    candles: data.symbols.map((_, i) => candlesOf(data, i)),
  };
}

/** Mean over layers and heads of [layer][head][query][key] → [query][key]. */
export function meanAttention(attention: number[][][][]): number[][] {
  const first = attention[0]?.[0];
  if (!first) return [];
  const n = first.length;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let count = 0;
  for (const layer of attention) {
    for (const head of layer) {
      count++;
      head.forEach((row, q) => row.forEach((w, k) => (out[q]![k]! += w)));
    }
  }
  return out.map((row) => row.map((w) => w / count));
}

/**
 * Which head the target weights come from: 'portfolio-head' takes the portfolio head's weights as they
 * are (the default); 'return-head' is the seed chapter's backtest (the return head's predictions clipped
 * to [-1, 1] and normalised by gross exposure; long-only drops negative ones).
 */
export { DEFAULT_MODEL_WEIGHTS_FROM, MODEL_WEIGHTS_FROM, type ModelWeightsFrom };

export function forecastWeights(returns: readonly number[], longOnly: boolean): number[] {
  const clipped = returns.map((r) => (longOnly && r < 0 ? 0 : Math.max(-1, Math.min(1, r))));
  const gross = clipped.reduce((s, w) => s + Math.abs(w), 0);
  return clipped.map((w) => (gross > 0 ? w / gross : 0));
}

/** A strategy over one trained model; decisions must be prepared before they are asked for. */
export function modelStrategy(
  port: ModelPort,
  modelId: string,
  weightsFrom: ModelWeightsFrom = DEFAULT_MODEL_WEIGHTS_FROM,
): Strategy {
  const info = port.registry.info(modelId);
  const spec = featureSpecOf(info.config);
  const predictions = new Map<number, SamplePrediction>();
  return {
    name: 'model',
    // Enough bars for one window plus the indicators' warm-up and settling.
    warmupBars: firstDecisionBar(spec) + 1,
    async prepare({ data, bars }: PrepareRequest) {
      const first = firstDecisionBar(spec);
      const usable = bars.filter((b) => b >= first);
      if (usable.length === 0) return;
      // Only the bars the windows need: from the first window's warm-up (plus settling) to the last bar.
      const from = Math.max(0, usable[0]! - first - EMA_SETTLE_BARS);
      const last = usable[usable.length - 1]!;
      const n = data.symbols.length;
      const slice: MarketData = {
        symbols: data.symbols,
        times: data.times.subarray(from, last + 1),
        open: data.open.subarray(from * n, (last + 1) * n),
        high: data.high.subarray(from * n, (last + 1) * n),
        low: data.low.subarray(from * n, (last + 1) * n),
        close: data.close.subarray(from * n, (last + 1) * n),
        volume: data.volume.subarray(from * n, (last + 1) * n),
        turnover: data.turnover.subarray(from * n, (last + 1) * n),
      };
      const results = await port.predictAligned(
        modelId,
        toAligned(slice, info.interval),
        usable.map((b) => b - from),
      );
      usable.forEach((b, k) => predictions.set(data.times[b]!, results[k]!));
    },
    decide(ctx) {
      const p = predictions.get(ctx.time);
      if (!p) return null;
      predictions.delete(ctx.time);
      return {
        weights:
          weightsFrom === 'portfolio-head'
            ? p.weights
            : forecastWeights(p.returns, info.config.portfolio === 'long-only'),
        forecast: { returns: p.returns, horizon: info.config.horizon },
        attention: {
          matrix: meanAttention(p.attention),
          heads: p.attention,
          ...(p.lagWeights.length > 0 ? { lagWeights: p.lagWeights } : {}),
        },
      };
    },
  };
}

/** Validated by the contract (BacktestModelSettingsSchema); weights come from the portfolio head by default. */
export type ModelBacktestSettings = BacktestModelSettings;

/** The label horizon of a backtest's model settings (the purge gap), without training anything. */
export function modelHorizon(settings: ModelBacktestSettings, port: ModelPort): number {
  if (settings.modelId) return port.registry.info(settings.modelId).config.horizon;
  return ModelConfigSchema.parse(settings.config ?? {}).horizon;
}

/**
 * Walk-forward fit: trains a model on each fold's training window (through the model domain, so it is
 * registered and its id stored with the fold), or reuses `modelId` for every fold.
 */
export function modelWalkForwardFit(
  port: ModelPort,
  series: { feed: string; symbols: string[]; interval: Interval },
  settings: ModelBacktestSettings,
  /** The run the fold models belong to. */
  backtestId?: string,
): FitFunction {
  const parsed = settings.modelId ? null : ModelConfigSchema.safeParse(settings.config ?? {});
  if (parsed && !parsed.success) {
    throw new CoreError(
      'INVALID_PARAMS',
      `Invalid model settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return async ({ fold, data, signal }) => {
    if (settings.modelId) {
      const info = port.registry.info(settings.modelId);
      if (info.symbols.join(',') !== series.symbols.join(',') || info.interval !== series.interval) {
        throw new CoreError(
          'INVALID_PARAMS',
          `Model ${info.id} trades ${info.symbols.join(',')} ${info.interval}, not this backtest's series.`,
        );
      }
      return { strategy: modelStrategy(port, info.id, settings.weightsFrom), modelId: info.id };
    }
    const info = await port.train(
      {
        ...series,
        from: data.times[fold.trainFrom]!,
        to: data.times[fold.trainTo]!,
        config: parsed!.data,
        seed: (settings.seed ?? 1) + fold.index,
        name: `walk-forward fold ${fold.index + 1} ${series.symbols.map(baseAsset).join('+')} ${intervalName(series.interval)}`,
        ...(backtestId === undefined ? {} : { backtestId }),
      },
      signal ?? new AbortController().signal,
    );
    return { strategy: modelStrategy(port, info.id, settings.weightsFrom), modelId: info.id };
  };
}

/**
 * Paper trading's model: the account's saved model, else the newest the user trained on these symbols
 * and interval (a backtest's fold models are never chosen: the registry's list leaves them out).
 */
export function modelPaperProvider(port: ModelPort): ModelStrategyProvider {
  return ({ symbols, interval, modelId }) => {
    const wanted = symbols.join(',');
    const info = modelId
      ? port.registry.info(modelId)
      : port.registry
          .list()
          .filter((m) => m.symbols.join(',') === wanted && m.interval === interval)
          .sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!info) return null;
    if (info.backtestId) {
      throw new CoreError(
        'INVALID_PARAMS',
        `Model ${info.id} was trained by backtest ${info.backtestId} for one of its walk-forward folds; ` +
          'paper trading uses a model you trained (Models view, or `train`).',
      );
    }
    return { strategy: modelStrategy(port, info.id), modelId: info.id };
  };
}
