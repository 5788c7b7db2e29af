// From aligned candles to a chronological train/validation split. The validation block is the newest
// share of labelled decisions; a purge gap of `horizon` bars separates it from the training block so no
// training target overlaps a validation target. Normalisation statistics use training bars only.
import { CoreError } from '../../../shared/errors';
import type { ModelConfig } from '../../../shared/contract/model';
import type { AlignedCandles } from '../features/align';
import {
  buildFeatureMatrix,
  computeNormStats,
  createWindowSource,
  labelledBars,
  type FeatureSpec,
  type NormStats,
  type WindowSource,
} from '../features/windows';

export interface Dataset {
  source: WindowSource;
  stats: NormStats;
  /** Decision bar indices, ascending. */
  trainBars: number[];
  validationBars: number[];
}

export function featureSpecOf(config: ModelConfig): FeatureSpec {
  return {
    features: [...config.features],
    lookback: config.lookback,
    horizon: config.horizon,
    deadBand: config.deadBand,
  };
}

export function prepareDataset(aligned: AlignedCandles, config: ModelConfig): Dataset {
  const spec = featureSpecOf(config);
  const matrix = buildFeatureMatrix(aligned);
  // Split first on a provisional source (stats do not change which bars are labelled).
  const provisional = {
    symbols: matrix.symbols,
    times: matrix.times,
    spec,
    features: new Float32Array(0),
    closes: matrix.closes,
  };
  const labelled = labelledBars(provisional);
  const validationCount = Math.floor(labelled.length * config.training.validationSplit);
  const trainCount = labelled.length - validationCount - spec.horizon;
  if (validationCount < 8 || trainCount < 16) {
    throw new CoreError(
      'DATA_INCOMPLETE',
      `Not enough bars to train: ${aligned.times.length} aligned bars give ${labelled.length} labelled windows ` +
        `(lookback ${spec.lookback} plus warm-up); choose a longer range.`,
      { bars: aligned.times.length, labelled: labelled.length },
    );
  }
  const trainBars = labelled.slice(0, trainCount);
  const validationBars = labelled.slice(labelled.length - validationCount);
  const stats = computeNormStats(matrix, spec, trainBars[trainBars.length - 1]!);
  return { source: createWindowSource(matrix, spec, stats), stats, trainBars, validationBars };
}
