// A small SVG line chart for series that are not candles: equity curves, loss curves, drawdowns, lag
// profiles. Candles belong to CandleChart (lightweight-charts); this one is for dense panels where a
// second canvas chart per panel would cost more than it shows. Width follows the container.
import { useMemo } from 'react';
import { labelAnchor, ticks } from './scale';
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

export interface LineChartProps {
  series: readonly LineSeries[];
  height?: number;
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  /** Always include 0 in the y range (returns, drawdowns, P&L). */
  includeZero?: boolean;
  /** Shown where there is nothing to draw yet. */
  emptyText?: string;
  testId?: string;
  /** Legend under the chart; default true when there is more than one series. */
  legend?: boolean;
}

const PAD = { left: 56, right: 10, top: 8, bottom: 22 };
const Y_TICKS = 4;
const X_TICKS = 4;

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
  const showLegend = legend ?? series.length > 1;
  const plotWidth = Math.max(width - PAD.left - PAD.right, 10);
  const plotHeight = Math.max(height - PAD.top - PAD.bottom, 10);

  const sx = (x: number) => PAD.left + ((x - bounds.x0) / (bounds.x1 - bounds.x0 || 1)) * plotWidth;
  const sy = (y: number) => PAD.top + (1 - (y - bounds.y0) / (bounds.y1 - bounds.y0 || 1)) * plotHeight;

  return (
    <div className="line-chart" ref={ref} data-testid={testId} data-points={bounds.count}>
      {bounds.count === 0 || width === 0 ? (
        <div className="line-chart__empty" style={{ height }}>
          {bounds.count === 0 ? emptyText : ''}
        </div>
      ) : (
        <svg width={width} height={height} role="img" aria-label={series.map((s) => s.name).join(', ')}>
          {ticks(bounds.y0, bounds.y1, Y_TICKS).map((y) => (
            <g key={`y${y}`} className="line-chart__grid">
              <line x1={PAD.left} x2={PAD.left + plotWidth} y1={sy(y)} y2={sy(y)} />
              <text x={PAD.left - 6} y={sy(y) + 4} textAnchor="end">
                {formatY(y)}
              </text>
            </g>
          ))}
          {ticks(bounds.x0, bounds.x1, X_TICKS).map((x) => (
            <text
              key={`x${x}`}
              className="line-chart__x"
              x={sx(x)}
              y={height - 6}
              textAnchor={labelAnchor(sx(x), PAD.left, PAD.left + plotWidth)}
            >
              {formatX(x)}
            </text>
          ))}
          {includeZero && bounds.y0 < 0 && bounds.y1 > 0 && (
            <line
              className="line-chart__zero"
              x1={PAD.left}
              x2={PAD.left + plotWidth}
              y1={sy(0)}
              y2={sy(0)}
            />
          )}
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
        </svg>
      )}
      {showLegend && (
        <div className="line-chart__legend">
          {series.map((s) => (
            <span key={s.name} className="line-chart__legend-item">
              <span className="line-chart__swatch" style={{ background: s.color }} />
              {s.name}
            </span>
          ))}
        </div>
      )}
    </div>
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
