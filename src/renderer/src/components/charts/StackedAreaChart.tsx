// A small SVG stacked area chart for shares over time, such as portfolio weights. Long-short books
// stack their positive values above zero and their negative values below it, so the height above
// the axis is the long exposure and the depth below it the short one. Same look as LineChart.
import { useMemo } from 'react';
import { ChartAxes, ChartFrame, ZeroLine, type ChartProps } from './ChartFrame';
import { plotFrame, plotScales, X_TICKS, Y_TICKS } from './plot-frame';
import { evenTicks, ticks } from './scale';
import { useElementWidth } from './use-element-width';

export interface StackedSeries {
  name: string;
  /** A CSS colour; var(--accent) and friends work. */
  color: string;
  /** One value per x, in the order of `x`. */
  values: readonly number[];
}

/** The legend shows by default. */
export interface StackedAreaChartProps extends ChartProps {
  x: readonly number[];
  series: readonly StackedSeries[];
}

/** Pixels per averaged column: finer only adds noise and path length. */
const PX_PER_COLUMN = 3;

interface Band {
  name: string;
  color: string;
  /** Upper and lower edge per sampled column. */
  top: number[];
  bottom: number[];
}

export function StackedAreaChart({
  x,
  series,
  height = 160,
  formatX = (v) => String(v),
  formatY = (v) => (Math.abs(v) < 0.005 ? 0 : v).toFixed(2),
  emptyText = 'No data yet',
  testId,
  legend = true,
}: StackedAreaChartProps) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const frame = plotFrame(width, height);
  const { plotWidth } = frame;
  const layout = useMemo(
    () => stack(x, series, Math.max(2, Math.floor(plotWidth / PX_PER_COLUMN))),
    [x, series, plotWidth],
  );

  const { xs, bands, y0, y1 } = layout;
  const x0 = xs[0] ?? 0;
  const x1 = xs[xs.length - 1] ?? 1;
  const scales = plotScales(frame, x0, x1, y0, y1);

  // Time labels at both ends and evenly between: the stacked book has no natural round steps.
  const draw = () => (
    <>
      <ChartAxes
        frame={frame}
        scales={scales}
        yTicks={ticks(y0, y1, Y_TICKS)}
        xTicks={evenTicks(x0, x1, X_TICKS)}
        formatX={formatX}
        formatY={formatY}
      />
      {bands.map((band, i) => (
        <path
          key={`${band.name}${i}`}
          d={areaPath(xs, band, scales.sx, scales.sy)}
          fill={band.color}
          fillOpacity={0.55}
          stroke={band.color}
          strokeWidth={0.75}
        >
          <title>{band.name}</title>
        </path>
      ))}
      <ZeroLine frame={frame} scales={scales} y0={y0} y1={y1} />
    </>
  );

  return (
    <ChartFrame
      frameRef={ref}
      frame={frame}
      series={series}
      legend={legend}
      points={xs.length}
      empty={xs.length < 2}
      emptyText={emptyText}
      testId={testId}
      draw={draw}
    />
  );
}

/**
 * Averages the values into at most `columns` buckets (a book that flips every bar would otherwise be
 * a solid block) and stacks each series' positive part upward from zero and its negative part
 * downward, in series order; a series gets one band per sign it takes. Averaging the parts apart
 * keeps a bucket's long and short exposure instead of netting them.
 */
function stack(x: readonly number[], series: readonly StackedSeries[], columns: number) {
  const size = Math.max(1, Math.ceil(x.length / columns));
  const buckets: [number, number][] = [];
  for (let i = 0; i < x.length; i += size) buckets.push([i, Math.min(i + size, x.length)]);
  // Each bucket sits at its last x, so the chart ends at the last bar.
  const xs = buckets.map(([, end]) => x[end - 1]!);
  const up = new Array<number>(buckets.length).fill(0);
  const down = new Array<number>(buckets.length).fill(0);
  const bands: Band[] = [];
  for (const s of series) {
    const longs: number[] = [];
    const shorts: number[] = [];
    for (const [start, end] of buckets) {
      let long = 0;
      let short = 0;
      for (let i = start; i < end; i++) {
        const v = s.values[i];
        if (v === undefined || !Number.isFinite(v)) continue;
        if (v > 0) long += v;
        else short += v;
      }
      longs.push(long / (end - start));
      shorts.push(short / (end - start));
    }
    if (longs.some((v) => v > 0)) {
      const bottom = [...up];
      longs.forEach((v, k) => (up[k]! += v));
      bands.push({ name: s.name, color: s.color, top: [...up], bottom });
    }
    if (shorts.some((v) => v < 0)) {
      const top = [...down];
      shorts.forEach((v, k) => (down[k]! += v));
      bands.push({ name: `${s.name} (short)`, color: s.color, top, bottom: [...down] });
    }
  }
  let y0 = 0;
  let y1 = 0;
  for (const v of up) y1 = Math.max(y1, v);
  for (const v of down) y0 = Math.min(y0, v);
  if (y0 === y1) y1 = 1;
  return { xs, bands, y0, y1 };
}

function areaPath(
  xs: readonly number[],
  band: Band,
  sx: (v: number) => number,
  sy: (v: number) => number,
): string {
  const upper = xs.map((v, k) => `${k === 0 ? 'M' : 'L'}${sx(v).toFixed(1)},${sy(band.top[k]!).toFixed(1)}`);
  const lower: string[] = [];
  for (let k = xs.length - 1; k >= 0; k--)
    lower.push(`L${sx(xs[k]!).toFixed(1)},${sy(band.bottom[k]!).toFixed(1)}`);
  return `${upper.join('')}${lower.join('')}Z`;
}
