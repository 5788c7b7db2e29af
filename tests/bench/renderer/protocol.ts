// What the Node side of the renderer benchmarks and the bench page (page.ts) exchange through
// page.evaluate: plain data only, so that this file type-checks without DOM or Node types.
import type { Candle } from '../../../src/shared/domain';

/** One load of a long history into a fresh chart. */
export interface HistoryTiming {
  /** Conversion + setData of candles and volume + the first visible range, synchronous. */
  setDataMs: number;
  /** From before setData until after the first paint (a double requestAnimationFrame). */
  firstPaintMs: number;
}

export interface StreamPlan {
  /** The first symbol gets the large chart, the others the tiles beside it. */
  symbols: string[];
  history: Record<string, Candle[]>;
  /** Per symbol, in order: revisions of the forming bar, a new open time starting each new bar. */
  updates: Record<string, Candle[]>;
  updateEveryMs: number;
  /** How long frames are counted; at least as long as the updates last. */
  durationMs: number;
}

export interface StreamResult {
  /** requestAnimationFrame timestamps (ms) over the stream. */
  frameTimes: number[];
  /** Handling time of each update (book + both series), from performance.measure. */
  updateMs: number[];
  /** Durations of the long tasks (> 50 ms) the browser reported during the stream. */
  longTaskMs: number[];
  /** Candle count of each chart at the end, to check every update landed. */
  finalCounts: number[];
}

export interface RendererBench {
  /** Keeps `candles` in the page for the history runs. */
  holdHistory(candles: Candle[]): number;
  loadHistory(): Promise<HistoryTiming>;
  stream(plan: StreamPlan): Promise<StreamResult>;
}
