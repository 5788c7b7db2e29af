// What a time-series chart plots, as plain code apart from lightweight-charts: points put in the
// library's order (ascending, one per x, finite values only) and the values the legend shows at an x.

export interface ChartPoint {
  /** Epoch ms on a time axis; a plain number (an epoch of training) on a number axis. */
  x: number;
  y: number;
}

export interface ChartSeries {
  name: string;
  /** A CSS colour; var(--accent) and friends work. */
  color: string;
  points: readonly ChartPoint[];
  dashed?: boolean;
  /** Shade between the line and zero (or the bottom of the chart when zero is not in view). */
  fill?: boolean;
  /** Hold each value until the next one (weights held over a bar). */
  step?: boolean;
}

export type ChartAxis = 'time' | 'number';

/** The library's key of an x: whole UTC seconds on a time axis, the number itself otherwise. */
export function axisKey(x: number, axis: ChartAxis): number {
  return axis === 'time' ? Math.floor(x / 1000) : x;
}

/** The x an axis key stands for (epoch ms on a time axis). */
export function keyToX(key: number, axis: ChartAxis): number {
  return axis === 'time' ? key * 1000 : key;
}

export interface PlotPoint {
  time: number;
  value: number;
}

/**
 * Points as the library takes them: finite only, ascending by key, one per key (the last given wins,
 * as a later mark of the same bar revises it).
 */
export function plotPoints(points: readonly ChartPoint[], axis: ChartAxis): PlotPoint[] {
  const byKey = new Map<number, number>();
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    byKey.set(axisKey(p.x, axis), p.y);
  }
  return [...byKey.entries()].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time, value }));
}

/** Finite points over every series: what the chart's data-points says. */
export function countPoints(series: readonly ChartSeries[]): number {
  let count = 0;
  for (const s of series) for (const p of s.points) if (Number.isFinite(p.x) && Number.isFinite(p.y)) count++;
  return count;
}

/** The latest key any series has: where the legend rests when the cursor is off the chart. */
export function lastKey(plotted: readonly (readonly PlotPoint[])[]): number | null {
  let last: number | null = null;
  for (const points of plotted) {
    const p = points[points.length - 1];
    if (p && (last === null || p.time > last)) last = p.time;
  }
  return last;
}

/** The value of a series at `key`, or at the latest point before it (a series that has not moved). */
export function valueAt(points: readonly PlotPoint[], key: number): number | null {
  let lo = 0;
  let hi = points.length - 1;
  let found: number | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = points[mid]!;
    if (p.time <= key) {
      found = p.value;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
