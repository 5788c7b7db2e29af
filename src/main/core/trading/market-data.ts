// Candles of several symbols as one columnar block on the bars where every symbol has a closed candle
// (the intersection of their open times), which is what the engine steps over.
import type { Candle } from '../../../shared/domain';
import type { BarSet } from './types';

export interface MarketData {
  symbols: string[];
  /** Open times of the common bars, ascending. */
  times: Float64Array;
  /** Row-major [bar x symbols + symbol]. */
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  turnover: Float64Array;
}

/** Keeps the confirmed candles whose open time every symbol has. */
export function alignMarketData(
  symbols: readonly string[],
  candles: Readonly<Record<string, readonly Candle[]>>,
): MarketData {
  const n = symbols.length;
  const bySymbol = symbols.map((s) => (candles[s] ?? []).filter((c) => c.confirmed));
  const counts = new Map<number, number>();
  for (const list of bySymbol)
    for (const c of list) counts.set(c.openTime, (counts.get(c.openTime) ?? 0) + 1);
  const times = [...counts.entries()]
    .filter(([, k]) => k === n)
    .map(([t]) => t)
    .sort((a, b) => a - b);
  const row = new Map(times.map((t, b) => [t, b]));
  const data: MarketData = {
    symbols: [...symbols],
    times: Float64Array.from(times),
    open: new Float64Array(times.length * n),
    high: new Float64Array(times.length * n),
    low: new Float64Array(times.length * n),
    close: new Float64Array(times.length * n),
    volume: new Float64Array(times.length * n),
    turnover: new Float64Array(times.length * n),
  };
  bySymbol.forEach((list, i) => {
    for (const c of list) {
      const b = row.get(c.openTime);
      if (b === undefined) continue;
      const k = b * n + i;
      data.open[k] = c.open;
      data.high[k] = c.high;
      data.low[k] = c.low;
      data.close[k] = c.close;
      data.volume[k] = c.volume;
      data.turnover[k] = c.turnover;
    }
  });
  return data;
}

/** A BarSet whose columns are views into `data` at bar `b` (no copy; the engine copies what it keeps). */
export function barAt(data: MarketData, b: number, out?: BarSet): BarSet {
  const n = data.symbols.length;
  const from = b * n;
  const to = from + n;
  if (out) {
    out.time = data.times[b]!;
    out.open = data.open.subarray(from, to);
    out.high = data.high.subarray(from, to);
    out.low = data.low.subarray(from, to);
    out.close = data.close.subarray(from, to);
    out.volume = data.volume.subarray(from, to);
    return out;
  }
  return {
    time: data.times[b]!,
    open: data.open.subarray(from, to),
    high: data.high.subarray(from, to),
    low: data.low.subarray(from, to),
    close: data.close.subarray(from, to),
    volume: data.volume.subarray(from, to),
  };
}

/** The candles of symbol `i` for bars [from, to] (inclusive), e.g. a fold's training window. */
export function candlesOf(data: MarketData, i: number, from = 0, to = data.times.length - 1): Candle[] {
  const n = data.symbols.length;
  const out: Candle[] = [];
  for (let b = Math.max(0, from); b <= Math.min(to, data.times.length - 1); b++) {
    const k = b * n + i;
    const close = data.close[k]!;
    const volume = data.volume[k]!;
    out.push({
      openTime: data.times[b]!,
      open: data.open[k]!,
      high: data.high[k]!,
      low: data.low[k]!,
      close,
      volume,
      turnover: data.turnover[k]!,
      confirmed: true,
    });
  }
  return out;
}
