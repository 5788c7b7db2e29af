// Gap ranges for the Data view: runs of consecutive missing bars between a series' first and last
// confirmed candle, read from a real SQLite store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gapRanges, MAX_SCANNED_BARS } from '../../../src/main/core/market/gap-ranges';
import type { CandleWrite } from '../../../src/main/core/store/types';
import { MAX_GAP_RANGES } from '../../../src/shared/contract/market';
import type { SeriesKey } from '../../../src/shared/domain';
import { tempStore, type TempStore } from '../../support/temp-store';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const BTC: SeriesKey = { feed: 'simulator', symbol: 'BTCUSDT', interval: '1' };
const MONTHLY: SeriesKey = { feed: 'csv', symbol: 'ETHUSDT', interval: 'M' };

let store: TempStore;
let repo: TempStore['repo'];
beforeEach(() => {
  store = tempStore('crossdesk-gaps-');
  repo = store.repo;
});
afterEach(() => store.dispose());

function candle(openTime: number, confirmed = true): CandleWrite {
  return {
    openTime,
    open: 100,
    high: 101,
    low: 99,
    close: 100,
    volume: 5,
    turnover: 500,
    confirmed,
    updatedAt: openTime + MINUTE,
  };
}

/** Stores 1-minute bars 0..last except the `missing` ones. */
function storeMinutes(last: number, missing: readonly number[], key: SeriesKey = BTC): void {
  const skip = new Set(missing);
  const bars: CandleWrite[] = [];
  for (let i = 0; i <= last; i++) if (!skip.has(i)) bars.push(candle(T0 + i * MINUTE));
  repo.upsert(key, bars);
}

const gapsOf = (key: SeriesKey = BTC) => gapRanges(repo, key, repo.coverage(key));

describe('gapRanges', () => {
  it('has none for an empty series or one without holes', () => {
    expect(gapsOf()).toEqual([]);
    storeMinutes(50, []);
    expect(repo.coverage(BTC).gaps).toBe(0);
    expect(gapsOf()).toEqual([]);
  });

  it('joins consecutive missing bars into one run, oldest first, with its first and last open time', () => {
    storeMinutes(30, [3, 4, 5, 10, 20, 21]);
    expect(gapsOf()).toEqual([
      { from: T0 + 3 * MINUTE, to: T0 + 5 * MINUTE, bars: 3 },
      { from: T0 + 10 * MINUTE, to: T0 + 10 * MINUTE, bars: 1 },
      { from: T0 + 20 * MINUTE, to: T0 + 21 * MINUTE, bars: 2 },
    ]);
    // The runs account for every missing bar the coverage counts.
    expect(repo.coverage(BTC).gaps).toBe(6);
  });

  it('counts a forming (unconfirmed) bar as missing: only confirmed candles cover a bar', () => {
    storeMinutes(10, [4]);
    repo.upsert(BTC, [candle(T0 + 5 * MINUTE, false)]);
    // Bar 5 was confirmed already; a forming write cannot demote it. Bar 4 stays the only gap.
    expect(gapsOf()).toEqual([{ from: T0 + 4 * MINUTE, to: T0 + 4 * MINUTE, bars: 1 }]);
    repo.upsert(BTC, [candle(T0 + 4 * MINUTE, false)]);
    expect(gapsOf()).toEqual([{ from: T0 + 4 * MINUTE, to: T0 + 4 * MINUTE, bars: 1 }]);
    repo.upsert(BTC, [candle(T0 + 4 * MINUTE, true)]);
    expect(gapsOf()).toEqual([]);
  });

  it(`lists at most MAX_GAP_RANGES (${MAX_GAP_RANGES}) runs, the oldest ones`, () => {
    // Every other bar missing: one run per missing bar.
    const missing = Array.from({ length: MAX_GAP_RANGES + 5 }, (_, k) => 2 * k + 1);
    storeMinutes(2 * (MAX_GAP_RANGES + 5) + 1, missing);
    const ranges = gapsOf()!;
    expect(ranges).toHaveLength(MAX_GAP_RANGES);
    expect(ranges[0]).toEqual({ from: T0 + MINUTE, to: T0 + MINUTE, bars: 1 });
    expect(ranges.at(-1)!.from).toBe(T0 + (2 * MAX_GAP_RANGES - 1) * MINUTE);
  });

  it('keeps counting the last listed run past the limit of runs', () => {
    // 19 single-bar runs, then a long 20th: it is listed whole, and the run after it is left out.
    const singles = Array.from({ length: MAX_GAP_RANGES - 1 }, (_, k) => 2 * k + 1);
    const longStart = 2 * MAX_GAP_RANGES;
    const long = Array.from({ length: 7 }, (_, k) => longStart + k);
    storeMinutes(longStart + 10, [...singles, ...long, longStart + 9]);
    const ranges = gapsOf()!;
    expect(ranges).toHaveLength(MAX_GAP_RANGES);
    expect(ranges.at(-1)).toEqual({
      from: T0 + longStart * MINUTE,
      to: T0 + (longStart + 6) * MINUTE,
      bars: 7,
    });
  });

  it('steps monthly series by calendar months', () => {
    const months = [0, 1, 4, 5].map((m) => Date.UTC(2023, m, 1));
    repo.upsert(
      MONTHLY,
      months.map((t) => candle(t)),
    );
    expect(gapsOf(MONTHLY)).toEqual([{ from: Date.UTC(2023, 2, 1), to: Date.UTC(2023, 3, 1), bars: 2 }]);
  });

  it('does not scan a series longer than MAX_SCANNED_BARS, and says so with undefined', () => {
    // Two bars a long way apart: the span, not the stored count, decides.
    repo.upsert(BTC, [candle(T0), candle(T0 + MAX_SCANNED_BARS * MINUTE)]);
    const coverage = repo.coverage(BTC);
    expect(coverage.gaps).toBe(MAX_SCANNED_BARS - 1);
    expect(gapRanges(repo, BTC, coverage)).toBeUndefined();
    // One bar shorter fits, and the whole hole is one run.
    repo.deleteSeries(BTC);
    repo.upsert(BTC, [candle(T0), candle(T0 + (MAX_SCANNED_BARS - 1) * MINUTE)]);
    expect(gapsOf()).toEqual([
      { from: T0 + MINUTE, to: T0 + (MAX_SCANNED_BARS - 2) * MINUTE, bars: MAX_SCANNED_BARS - 2 },
    ]);
  });
});
