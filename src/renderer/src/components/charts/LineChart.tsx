// A small SVG line chart for series that are not candles: equity curves, loss curves, drawdowns, lag
// profiles. Candles belong to CandleChart (lightweight-charts); this one is for dense panels where a
// second canvas chart per panel would cost more than it shows. Width follows the container.
import { useMemo } from 'react';
import { ChartAxes, ChartFrame, ZeroLine, type ChartProps } from './ChartFrame';
import { plotFrame, plotScales, X_TICKS, Y_TICKS } from './plot-frame';
import { ticks } from './scale';
import { useElementWidth } from './use-element-width';

export interface LinePoint {
  x: number;
  y: number;
}

export interface LineSeries {
  name: string;
  /** A CSS colour; var(--accent) and friends work. */
  color: string;
  points: readonly LinePoint[];
  dashed?: boolean;
  /** Fill the area between the line and zero (or the bottom of the chart). */
  fill?: boolean;
}

/** The legend shows by default when there is more than one series. */
export interface LineChartProps extends ChartProps {
  series: readonly LineSeries[];
  /** Always include 0 in the y range (returns, drawdowns, P&L). */
  includeZero?: boolean;
}

export function LineChart({
  series,
  height = 180,
  formatX = (x) => String(x),
  formatY = (y) => y.toFixed(2),
  includeZero = false,
  emptyText = 'No data yet',
  testId,
  legend,
}: LineChartProps) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const bounds = useMemo(() => rangeOf(series, includeZero), [series, includeZero]);
  const frame = plotFrame(width, height);
  const scales = plotScales(frame, bounds.x0, bounds.x1, bounds.y0, bounds.y1);
  const { sx, sy } = scales;

  const draw = () => (
    <>
      <ChartAxes
        frame={frame}
        scales={scales}
        yTicks={ticks(bounds.y0, bounds.y1, Y_TICKS)}
        xTicks={ticks(bounds.x0, bounds.x1, X_TICKS)}
        formatX={formatX}
        formatY={formatY}
      />
      {includeZero && <ZeroLine frame={frame} scales={scales} y0={bounds.y0} y1={bounds.y1} />}
      {series.map((s) => {
        if (s.points.length === 0) return null;
        const path = s.points.map(
          (p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`,
        );
        const base = sy(Math.min(Math.max(0, bounds.y0), bounds.y1));
        const first = s.points[0]!;
        const last = s.points[s.points.length - 1]!;
        return (
          <g key={s.name}>
            {s.fill && (
              <path
                d={`${path.join('')}L${sx(last.x).toFixed(1)},${base}L${sx(first.x).toFixed(1)},${base}Z`}
                fill={s.color}
                opacity={0.15}
              />
            )}
            <path
              d={path.join('')}
              fill="none"
              stroke={s.color}
              strokeWidth={1.5}
              strokeDasharray={s.dashed ? '4 3' : undefined}
            />
          </g>
        );
      })}
    </>
  );

  return (
    <ChartFrame
      frameRef={ref}
      frame={frame}
      series={series}
      legend={legend ?? series.length > 1}
      points={bounds.count}
      empty={bounds.count === 0}
      emptyText={emptyText}
      testId={testId}
      draw={draw}
    />
  );
}

interface Bounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  count: number;
}

function rangeOf(series: readonly LineSeries[], includeZero: boolean): Bounds {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = includeZero ? 0 : Infinity;
  let y1 = includeZero ? 0 : -Infinity;
  let count = 0;
  for (const s of series) {
    for (const p of s.points) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
      count += 1;
      if (p.x < x0) x0 = p.x;
      if (p.x > x1) x1 = p.x;
      if (p.y < y0) y0 = p.y;
      if (p.y > y1) y1 = p.y;
    }
  }
  if (count === 0) return { x0: 0, x1: 1, y0: 0, y1: 1, count };
  if (y0 === y1) {
    const pad = Math.abs(y0) * 0.01 || 1;
    y0 -= pad;
    y1 += pad;
  }
  return { x0, x1, y0, y1, count };
}
