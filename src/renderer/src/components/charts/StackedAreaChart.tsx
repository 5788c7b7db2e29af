// A small SVG stacked area chart for shares over time, such as portfolio weights. Long-short books
// stack their positive values above zero and their negative values below it, so the height above
// the axis is the long exposure and the depth below it the short one. Same look as LineChart.
import { useMemo } from 'react';
import { ticks as roundTicks } from './scale';
import { useElementWidth } from './use-element-width';

export interface StackedSeries {
  name: string;
  /** A CSS colour; var(--accent) and friends work. */
  color: string;
  /** One value per x, in the order of `x`. */
  values: readonly number[];
}

export interface StackedAreaChartProps {
  x: readonly number[];
  series: readonly StackedSeries[];
  height?: number;
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  emptyText?: string;
  testId?: string;
  /** Legend under the chart; default true. */
  legend?: boolean;
}

const PAD = { left: 56, right: 10, top: 8, bottom: 22 };
const Y_TICKS = 4;
const X_TICKS = 4;
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
  const plotWidth = Math.max(width - PAD.left - PAD.right, 10);
  const plotHeight = Math.max(height - PAD.top - PAD.bottom, 10);
  const layout = useMemo(
    () => stack(x, series, Math.max(2, Math.floor(plotWidth / PX_PER_COLUMN))),
    [x, series, plotWidth],
  );

  const { xs, bands, y0, y1 } = layout;
  const x0 = xs[0] ?? 0;
  const x1 = xs[xs.length - 1] ?? 1;
  const sx = (v: number) => PAD.left + ((v - x0) / (x1 - x0 || 1)) * plotWidth;
  const sy = (v: number) => PAD.top + (1 - (v - y0) / (y1 - y0 || 1)) * plotHeight;

  return (
    <div className="line-chart" ref={ref} data-testid={testId} data-points={xs.length}>
      {xs.length < 2 || width === 0 ? (
        <div className="line-chart__empty" style={{ height }}>
          {xs.length < 2 ? emptyText : ''}
        </div>
      ) : (
        <svg width={width} height={height} role="img" aria-label={series.map((s) => s.name).join(', ')}>
          {roundTicks(y0, y1, Y_TICKS).map((v) => (
            <g key={`y${v}`} className="line-chart__grid">
              <line x1={PAD.left} x2={PAD.left + plotWidth} y1={sy(v)} y2={sy(v)} />
              <text x={PAD.left - 6} y={sy(v) + 4} textAnchor="end">
                {formatY(v)}
              </text>
            </g>
          ))}
          {evenTicks(x0, x1, X_TICKS).map((v, i, all) => (
            <text
              key={`x${v}`}
              className="line-chart__x"
              x={sx(v)}
              y={height - 6}
              textAnchor={i === 0 ? 'start' : i === all.length - 1 ? 'end' : 'middle'}
            >
              {formatX(v)}
            </text>
          ))}
          {bands.map((band, i) => (
            <path
              key={`${band.name}${i}`}
              d={areaPath(xs, band, sx, sy)}
              fill={band.color}
              fillOpacity={0.55}
              stroke={band.color}
              strokeWidth={0.75}
            >
              <title>{band.name}</title>
            </path>
          ))}
          {y0 < 0 && y1 > 0 && (
            <line
              className="line-chart__zero"
              x1={PAD.left}
              x2={PAD.left + plotWidth}
              y1={sy(0)}
              y2={sy(0)}
            />
          )}
        </svg>
      )}
      {legend && (
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

/** `n` evenly spaced times from the first to the last inclusive, so both ends are labelled. */
function evenTicks(lo: number, hi: number, n: number): number[] {
  if (hi === lo) return [lo];
  return Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);
}
