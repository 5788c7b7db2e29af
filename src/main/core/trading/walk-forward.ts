// The walk-forward plan: train on a window, skip a purge gap of the label horizon, trade the next test
// window out of sample, slide by the test window and retrain. Test windows tile the out-of-sample
// period without overlap; only their bars are counted in the metrics.

export interface WalkForwardSettings {
  /** Bars in each training window. */
  trainBars: number;
  /** Bars traded out of sample per fold (the retraining period). */
  testBars: number;
  /** Bars between the end of training and the first test bar: the label horizon. */
  purgeBars: number;
  /** Training windows grow from the first bar instead of sliding. */
  expanding: boolean;
}

/** Bar indices (inclusive) of one fold. */
export interface Fold {
  index: number;
  trainFrom: number;
  trainTo: number;
  testFrom: number;
  testTo: number;
}

/**
 * Folds over `barCount` aligned bars. The first test bar is trainBars + purgeBars; the last fold is cut
 * at the last bar. Returns [] when there is no room for one test bar after the first decision.
 */
export function planFolds(barCount: number, s: WalkForwardSettings): Fold[] {
  const folds: Fold[] = [];
  if (!(s.trainBars >= 1 && s.testBars >= 1 && s.purgeBars >= 0)) {
    throw new Error('walk-forward: trainBars and testBars must be >= 1 and purgeBars >= 0');
  }
  // At least two bars out of sample: the first decision and the bar its orders fill on.
  for (let testFrom = s.trainBars + s.purgeBars; testFrom < barCount - 1; testFrom += s.testBars) {
    const trainTo = testFrom - s.purgeBars - 1;
    folds.push({
      index: folds.length,
      trainFrom: s.expanding ? 0 : trainTo - s.trainBars + 1,
      trainTo,
      testFrom,
      testTo: Math.min(testFrom + s.testBars - 1, barCount - 1),
    });
  }
  return folds;
}
