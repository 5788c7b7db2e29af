// Renderer chart speed, in Debian's Chromium (headless, software canvas: --disable-gpu) on the bench
// page (tests/bench/renderer), which runs the app's own chart code (chart/candle-chart.ts, candle-book.ts).
// 1. History: 50,000 synthetic one-minute candles (the simulator's generator) into a fresh 1280x600
//    chart, candles + volume with the app's options; timed from before setData to after the first paint
//    (performance marks + a double requestAnimationFrame). Goal: < 500 ms.
// 2. Stream: the Live view's shape (one large chart, four tiles, all full charts of 1,000 bars) with
//    every symbol's forming bar updated 10 times a second (a new bar every 10 updates) for 20 s. Frames
//    are requestAnimationFrame timestamps; "dropped" counts frames longer than 2 x 16.7 ms; a control pass
//    (the same charts, no updates) shows the frames this shared machine drops anyway; each update
//    (book + both series, as CandleChart does it) is timed with performance marks. Goal: no dropped frames.
// The page's clock is coarsened by Chromium (0.1 ms steps), so update times read in tenths of a ms.
// Run: npx tsx tests/bench/renderer-chart.bench.ts [runs=5] [streamSeconds=20]
import { loadavg } from 'node:os';
import {
  DEFAULT_MARKET_SPEC,
  generateMarket,
  partialCandle,
} from '../../src/main/core/market/simulator/synthetic';
import { mulberry32 } from '../../src/main/core/market/simulator/prng';
import type { Candle } from '../../src/shared/domain';
import { chromiumUnavailable } from '../e2e/support/chromium';
import { openBenchPage } from './renderer/bench-page';
import type { StreamPlan } from './renderer/protocol';

const runs = Number(process.argv[2] ?? 5);
const streamSeconds = Number(process.argv[3] ?? 20);
const HISTORY_CANDLES = 50_000;
const LIVE_HISTORY = 1_000;
const UPDATES_PER_SECOND = 10;
const UPDATES_PER_BAR = 10;
/** A frame longer than this is "dropped" (2 x 16.7 ms); rAF timestamps are vsync-aligned, so a frame of
 * exactly two vsyncs (33.3-33.4 ms) is not counted, and is shown apart as a skipped vsync. */
const DROPPED_MS = 2 * 16.7;
const SKIPPED_VSYNC_MS = 1.5 * (1000 / 60);
const START = Date.UTC(2024, 0, 1);

if (chromiumUnavailable()) process.exit(0);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const load = () => `load ${loadavg()[0]!.toFixed(2)}`;

/** The history, then for each later bar UPDATES_PER_BAR revisions of it, the last one its final state. */
function streamPlan(): StreamPlan {
  const bars = LIVE_HISTORY + Math.ceil((streamSeconds * UPDATES_PER_SECOND) / UPDATES_PER_BAR);
  const market = generateMarket(DEFAULT_MARKET_SPEC, { seed: 7, interval: '1', startTime: START, bars });
  const history: Record<string, Candle[]> = {};
  const updates: Record<string, Candle[]> = {};
  for (const symbol of DEFAULT_MARKET_SPEC.symbols) {
    const all = market[symbol]!;
    history[symbol] = all.slice(0, LIVE_HISTORY);
    const rng = mulberry32(11);
    const revisions: Candle[] = [];
    for (const final of all.slice(LIVE_HISTORY)) {
      let previous: Candle | undefined;
      for (let k = 1; k <= UPDATES_PER_BAR; k++) {
        previous = partialCandle(final, k / UPDATES_PER_BAR, rng, previous);
        revisions.push(previous);
      }
    }
    updates[symbol] = revisions.slice(0, streamSeconds * UPDATES_PER_SECOND);
  }
  return {
    symbols: DEFAULT_MARKET_SPEC.symbols,
    history,
    updates,
    updateEveryMs: 1000 / UPDATES_PER_SECOND,
    durationMs: streamSeconds * 1000,
  };
}

interface FrameStats {
  frames: number;
  fps: number;
  dropped: number;
  longestMs: number;
  /** Frames that took two vsyncs or more (> 25 ms). */
  skippedVsyncs: number;
  /** Seconds into the stream at which each dropped frame ended. */
  droppedAtS: number[];
}

function frameStats(frameTimes: number[]): FrameStats {
  // To the clock's 0.1 ms, so that a two-vsync frame reads 33.3 or 33.4, never 33.4000001.
  const intervals = frameTimes.slice(1).map((t, i) => Math.round((t - frameTimes[i]!) * 10) / 10);
  const spanMs = frameTimes.at(-1)! - frameTimes[0]!;
  return {
    frames: frameTimes.length,
    fps: (intervals.length / spanMs) * 1000,
    dropped: intervals.filter((ms) => ms > DROPPED_MS).length,
    skippedVsyncs: intervals.filter((ms) => ms > SKIPPED_VSYNC_MS).length,
    longestMs: Math.max(...intervals),
    droppedAtS: intervals.flatMap((ms, i) =>
      ms > DROPPED_MS ? [(frameTimes[i + 1]! - frameTimes[0]!) / 1000] : [],
    ),
  };
}

function framesLine(f: FrameStats): string {
  return (
    `${f.frames} frames, ${f.fps.toFixed(1)} fps, dropped (> ${DROPPED_MS.toFixed(1)} ms) ${f.dropped}, ` +
    `skipped a vsync (> ${SKIPPED_VSYNC_MS.toFixed(0)} ms) ${f.skippedVsyncs}, ` +
    `longest frame ${f.longestMs.toFixed(1)} ms` +
    (f.dropped > 0 ? ` (dropped at ${f.droppedAtS.map((t) => `${t.toFixed(1)} s`).join(', ')})` : '')
  );
}

const bench = await openBenchPage();
let exitCode = 0;
try {
  // 1. History of 50k candles.
  const candles = generateMarket(DEFAULT_MARKET_SPEC, {
    seed: 42,
    interval: '1',
    startTime: START,
    bars: HISTORY_CANDLES,
  })['BTCUSDT']!;
  await bench.call('holdHistory', candles);
  // The first load also compiles the chart code and loads fonts: printed apart, not in the runs.
  const cold = await bench.call('loadHistory');
  const setData: number[] = [];
  const firstPaint: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = await bench.call('loadHistory');
    setData.push(t.setDataMs);
    firstPaint.push(t.firstPaintMs);
  }
  setData.sort((a, b) => a - b);
  firstPaint.sort((a, b) => a - b);
  console.log(
    `chart of ${HISTORY_CANDLES} candles + volume, ${runs} runs: setData→first paint p50 ${percentile(firstPaint, 50).toFixed(1)} ms, ` +
      `max ${firstPaint.at(-1)!.toFixed(1)} ms (goal < 500); setData alone p50 ${percentile(setData, 50).toFixed(1)} ms; ` +
      `cold first load ${cold.firstPaintMs.toFixed(1)} ms; ${load()}`,
  );

  // 2. Five symbols, 10 updates a second each.
  const plan = streamPlan();
  const result = await bench.call('stream', plan);
  // Control: the same five charts for as long, no updates: the frames this machine drops anyway.
  const idle = await bench.call('stream', { ...plan, updates: {} });
  const streaming = frameStats(result.frameTimes);
  const updateMs = [...result.updateMs].sort((a, b) => a - b);
  const expectedUpdates = plan.symbols.length * streamSeconds * UPDATES_PER_SECOND;
  console.log(
    `${plan.symbols.length} symbols x ${UPDATES_PER_SECOND} updates/s for ${streamSeconds} s: ${framesLine(streaming)} ` +
      `(goal 0 dropped), long tasks ${result.longTaskMs.length}` +
      `${result.longTaskMs.length > 0 ? ` (${result.longTaskMs.map((ms) => ms.toFixed(0)).join(', ')} ms)` : ''}; ${load()}`,
  );
  console.log(
    `  control, same charts without updates: ${framesLine(frameStats(idle.frameTimes))}; ${load()}`,
  );
  console.log(
    `  update handling: ${updateMs.length}/${expectedUpdates} updates, p50 ${percentile(updateMs, 50).toFixed(2)} ms, ` +
      `p99 ${percentile(updateMs, 99).toFixed(2)} ms, max ${updateMs.at(-1)!.toFixed(2)} ms; ` +
      `bars per chart at the end ${result.finalCounts.join('/')}`,
  );
  if (bench.problems.length > 0) {
    console.log(`  page errors: ${bench.problems.slice(0, 5).join(' | ')}`);
    exitCode = 1;
  }
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await bench.close();
}
process.exit(exitCode);
