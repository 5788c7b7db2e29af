// Where a stored series has holes: runs of consecutive missing bars between its first and last
// confirmed candle, for the Data view's coverage table. Only series that have gaps are scanned, and
// only when the span is short enough to walk bar by bar in a few milliseconds.
import { MAX_GAP_RANGES } from '../../../shared/contract/market';
import type { SeriesKey } from '../../../shared/domain';
import type { CandlesRepo } from '../store/candles.repo';
import type { Coverage } from '../store/types';
import { nextBarOpenTime } from '../store/bar-times';

/** Bars between first and last beyond which the scan is skipped (about a year of 1-minute bars). */
export const MAX_SCANNED_BARS = 600_000;

export interface GapRange {
  /** Open time of the first missing bar of the run. */
  from: number;
  /** Open time of the last missing bar of the run. */
  to: number;
  bars: number;
}

/** The oldest gap runs of a series, or undefined when the series is too long to scan. */
export function gapRanges(repo: CandlesRepo, key: SeriesKey, coverage: Coverage): GapRange[] | undefined {
  if (coverage.first === null || coverage.last === null || coverage.gaps === 0) return [];
  if (coverage.count + coverage.gaps > MAX_SCANNED_BARS) return undefined;
  const ranges: GapRange[] = [];
  let run: GapRange | null = null;
  for (const time of repo.missingOpenTimes(key, coverage.first, coverage.last)) {
    if (run && nextBarOpenTime(run.to, key.interval) === time) {
      run.to = time;
      run.bars++;
      continue;
    }
    if (ranges.length === MAX_GAP_RANGES) break;
    run = { from: time, to: time, bars: 1 };
    ranges.push(run);
  }
  return ranges;
}
