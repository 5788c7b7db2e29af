// The parts LineChart and StackedAreaChart draw alike: the container (its width is measured, its
// test id and point count are read by tests), the empty state, the value grid with its labels, the
// time labels, the zero line and the legend. Each chart draws only its own marks inside.
import type { ReactNode, RefObject } from 'react';
import type { PlotFrame, PlotScales } from './plot-frame';
import { labelAnchor } from './scale';

/** What every SVG chart takes besides its data. */
export interface ChartProps {
  height?: number;
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  /** Shown where there is nothing to draw yet. */
  emptyText?: string;
  testId?: string;
  /** Legend under the chart; each chart says its default. */
  legend?: boolean;
}

export interface LegendEntry {
  name: string;
  /** A CSS colour; var(--accent) and friends work. */
  color: string;
}

export interface ChartFrameProps {
  frameRef: RefObject<HTMLDivElement | null>;
  frame: PlotFrame;
  /** Named in the SVG's label and, when `legend`, under the chart. */
  series: readonly LegendEntry[];
  legend: boolean;
  /** Points drawn, published as data-points. */
  points: number;
  /** Nothing to draw: show `emptyText` instead of the plot. */
  empty: boolean;
  emptyText: string;
  testId?: string | undefined;
  /** The marks; called only when there is something to draw. */
  draw: () => ReactNode;
}

export function ChartFrame({
  frameRef,
  frame,
  series,
  legend,
  points,
  empty,
  emptyText,
  testId,
  draw,
}: ChartFrameProps) {
  return (
    <div className="line-chart" ref={frameRef} data-testid={testId} data-points={points}>
      {empty || frame.width === 0 ? (
        // Before the first measurement the width is 0: keep the height, say nothing yet.
        <div className="line-chart__empty" style={{ height: frame.height }}>
          {empty ? emptyText : ''}
        </div>
      ) : (
        <svg
          width={frame.width}
          height={frame.height}
          role="img"
          aria-label={series.map((s) => s.name).join(', ')}
        >
          {draw()}
        </svg>
      )}
      {legend && <ChartLegend entries={series} />}
    </div>
  );
}

export function ChartLegend({ entries }: { entries: readonly LegendEntry[] }) {
  return (
    <div className="line-chart__legend">
      {entries.map((s) => (
        <span key={s.name} className="line-chart__legend-item">
          <span className="line-chart__swatch" style={{ background: s.color }} />
          {s.name}
        </span>
      ))}
    </div>
  );
}

export interface ChartAxesProps {
  frame: PlotFrame;
  scales: PlotScales;
  /** Values that get a grid line and a label on the left. */
  yTicks: readonly number[];
  /** Times (or epochs, lags) labelled under the plot. */
  xTicks: readonly number[];
  formatX: (x: number) => string;
  formatY: (y: number) => string;
}

export function ChartAxes({ frame, scales, yTicks, xTicks, formatX, formatY }: ChartAxesProps) {
  const { sx, sy } = scales;
  return (
    <>
      {yTicks.map((y) => (
        <g key={`y${y}`} className="line-chart__grid">
          <line x1={frame.left} x2={frame.right} y1={sy(y)} y2={sy(y)} />
          <text x={frame.left - 6} y={sy(y) + 4} textAnchor="end">
            {formatY(y)}
          </text>
        </g>
      ))}
      {xTicks.map((x) => (
        <text
          key={`x${x}`}
          className="line-chart__x"
          x={sx(x)}
          y={frame.height - 6}
          textAnchor={labelAnchor(sx(x), frame.left, frame.right)}
        >
          {formatX(x)}
        </text>
      ))}
    </>
  );
}

/** The y = 0 line, drawn only when zero lies strictly inside the value range. */
export function ZeroLine({
  frame,
  scales,
  y0,
  y1,
}: {
  frame: PlotFrame;
  scales: PlotScales;
  y0: number;
  y1: number;
}) {
  if (!(y0 < 0 && y1 > 0)) return null;
  const y = scales.sy(0);
  return <line className="line-chart__zero" x1={frame.left} x2={frame.right} y1={y} y2={y} />;
}
