// The app's one chart for series that are not candles (equity against baselines, drawdown, weights and
// attention over time, paper equity, loss curves), drawn with lightweight-charts like the candles: a
// crosshair, zoom (wheel, pinch) and pan (drag; a double click fits all the data again), time ticks at
// round UTC times, the theme's colours.
// Above the plot, the legend `data-testid="chart-legend"` names every series with its value under the
// cursor (the latest values when the cursor is off the chart); it wraps onto more lines rather than
// ever lying over the plot or over itself. Test hooks: data-points on the region, data-time /
// data-hovered on the legend and data-value on each of its entries.
import { useEffect, useMemo, useRef } from 'react';
import {
  AreaSeries,
  BaselineSeries,
  CrosshairMode,
  LineSeries,
  LineStyle,
  LineType,
  createChart,
  createOptionsChart,
  type AutoscaleInfo,
  type DeepPartial,
  type IChartApiBase,
  type ISeriesApi,
  type MouseEventParams,
  type SeriesType,
  type TimeChartOptions,
} from 'lightweight-charts';
import { formatDateTime } from '../../format';
import {
  countPoints,
  keyToX,
  lastKey,
  plotPoints,
  valueAt,
  type ChartAxis,
  type ChartSeries,
} from '../../chart/series-data';
import { baseChartOptions } from '../../chart/chart-options';
import { resolveColor } from '../../chart/theme';
import { useThemeName } from '../../chart/use-theme';

export type { ChartPoint, ChartSeries } from '../../chart/series-data';

export interface TimeSeriesChartProps {
  series: readonly ChartSeries[];
  /** The chart's region; its legend is inside it. */
  testId: string;
  /** Height of the plot in px (the legend sits above it), or 'fill' for the rest of a flex column. */
  height: number | 'fill';
  /** Values in the legend, with their unit. */
  formatValue: (y: number) => string;
  /** Values on the axis, where width is short (default: formatValue). */
  formatAxis?: (y: number) => string;
  /** 'time' (the default): x is epoch ms, shown in UTC. 'number': x is a plain number, shown by formatX. */
  axis?: ChartAxis;
  formatX?: (x: number) => string;
  /** Keep 0 in view (returns, drawdowns, weights). */
  includeZero?: boolean;
  emptyText?: string;
}

type AnyChart = IChartApiBase<number>;
type AnySeries = ISeriesApi<SeriesType, number>;

interface Drawn {
  chart: AnyChart;
  series: AnySeries[];
}

export function TimeSeriesChart({
  series,
  testId,
  height,
  formatValue,
  formatAxis = formatValue,
  axis = 'time',
  formatX = (x) => String(x),
  includeZero = false,
  emptyText = 'No data yet',
}: TimeSeriesChartProps) {
  const plotRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const drawn = useRef<Drawn | null>(null);
  const theme = useThemeName();
  const plotted = useMemo(() => series.map((s) => plotPoints(s.points, axis)), [series, axis]);
  const points = useMemo(() => countPoints(series), [series]);
  // The latest formatters and data, for the crosshair handler that outlives a render.
  const latest = useRef({ series, plotted, formatValue, formatX, axis });
  latest.current = { series, plotted, formatValue, formatX, axis };
  /**
   * The user zoomed or panned (wheel, drag, touch): new data then keeps their view. Until then, and
   * again after a double click, the chart fits all its data as it grows (a live loss or equity curve).
   */
  const userMoved = useRef(false);

  const showLegend = (key: number | null, hovered: boolean) => {
    const now = latest.current;
    const at = key ?? lastKey(now.plotted);
    writeLegend(legendRef.current, {
      series: now.series,
      values: now.plotted.map((p) => (at === null ? null : valueAt(p, at))),
      time: at === null ? null : keyToX(at, now.axis),
      timeText: at === null ? '' : now.axis === 'time' ? formatDateTime(keyToX(at, 'time')) : now.formatX(at),
      formatValue: now.formatValue,
      hovered,
    });
  };

  // One chart per mount, axis and theme (canvas colours are read when it is made).
  useEffect(() => {
    const container = plotRef.current;
    if (!container) return;
    const options = chartOptions(axis, formatAxis, formatX);
    const chart = (axis === 'time'
      ? createChart(container, options)
      : createOptionsChart(container, options)) as unknown as AnyChart;
    drawn.current = { chart, series: [] };
    userMoved.current = false;
    const moved = () => (userMoved.current = true);
    const reset = () => {
      userMoved.current = false;
      chart.timeScale().fitContent();
    };
    container.addEventListener('wheel', moved, { passive: true });
    container.addEventListener('pointerdown', moved);
    container.addEventListener('dblclick', reset);
    chart.subscribeCrosshairMove((param: MouseEventParams<number>) => {
      const key = param.time === undefined ? null : Number(param.time);
      showLegend(key, key !== null);
    });
    return () => {
      container.removeEventListener('wheel', moved);
      container.removeEventListener('pointerdown', moved);
      container.removeEventListener('dblclick', reset);
      drawn.current = null;
      chart.remove();
    };
    // formatValue/formatX are read through `latest` after creation; the axis and theme remake the chart.
  }, [axis, theme]);

  // The series: made again when their names or styles change, else only their data is replaced.
  const styleKey = series.map((s) => `${s.name}|${s.color}|${s.dashed}|${s.fill}|${s.step}`).join('\n');
  useEffect(() => {
    const current = drawn.current;
    if (!current) return;
    for (const s of current.series) current.chart.removeSeries(s);
    current.series = series.map((s) => addSeries(current.chart, s, includeZero));
  }, [styleKey, includeZero, axis, theme]);

  useEffect(() => {
    const current = drawn.current;
    if (!current) return;
    current.series.forEach((s, i) => s.setData(plotted[i] ?? []));
    if (!userMoved.current && points > 0) current.chart.timeScale().fitContent();
    current.chart.applyOptions({ localization: { priceFormatter: formatAxis } });
    showLegend(null, false);
  }, [plotted, styleKey, includeZero, axis, theme]);

  return (
    <div
      className={`ts-chart${height === 'fill' ? ' is-fill' : ''}`}
      data-testid={testId}
      data-points={points}
    >
      <div className="ts-chart__legend" data-testid="chart-legend" ref={legendRef} />
      <div
        className={`ts-chart__plot${points === 0 ? ' is-empty' : ''}`}
        style={height === 'fill' ? undefined : { height }}
        ref={plotRef}
      >
        {points === 0 && <div className="ts-chart__empty">{emptyText}</div>}
      </div>
    </div>
  );
}

function chartOptions(
  axis: ChartAxis,
  formatValue: (y: number) => string,
  formatX: (x: number) => string,
): DeepPartial<TimeChartOptions> {
  return {
    // On the panel's own background; the crosshair snaps to the points the legend reads.
    ...baseChartOptions('transparent', CrosshairMode.Magnet),
    localization: {
      priceFormatter: formatValue,
      // The crosshair's label on the x axis: the app's UTC style, or the caller's for a number axis.
      timeFormatter: (t: unknown) =>
        axis === 'time' ? formatDateTime(Number(t) * 1000) : formatX(Number(t)),
    },
  };
}

function addSeries(chart: AnyChart, s: ChartSeries, includeZero: boolean): AnySeries {
  const color = resolveColor(s.color);
  const common = {
    lineWidth: 2 as const,
    lineStyle: s.dashed ? LineStyle.Dashed : LineStyle.Solid,
    lineType: s.step ? LineType.WithSteps : LineType.Simple,
    priceLineVisible: false,
    lastValueVisible: false,
    crosshairMarkerRadius: 3,
    title: '',
    autoscaleInfoProvider: includeZero ? withZero : undefined,
  };
  if (s.fill && includeZero) {
    return chart.addSeries(BaselineSeries, {
      ...common,
      baseValue: { type: 'price', price: 0 },
      topLineColor: color,
      bottomLineColor: color,
      topFillColor1: withAlpha(color, 0.25),
      topFillColor2: withAlpha(color, 0.05),
      bottomFillColor1: withAlpha(color, 0.05),
      bottomFillColor2: withAlpha(color, 0.25),
    }) as AnySeries;
  }
  if (s.fill) {
    return chart.addSeries(AreaSeries, {
      ...common,
      lineColor: color,
      topColor: withAlpha(color, 0.25),
      bottomColor: withAlpha(color, 0.02),
    }) as AnySeries;
  }
  return chart.addSeries(LineSeries, { ...common, color }) as AnySeries;
}

/** Autoscale that always keeps 0 in the value range. */
function withZero(original: () => AutoscaleInfo | null): AutoscaleInfo | null {
  const info = original();
  if (!info?.priceRange) return info;
  const { minValue, maxValue } = info.priceRange;
  return { ...info, priceRange: { minValue: Math.min(0, minValue), maxValue: Math.max(0, maxValue) } };
}

/** '#4c9aff' at `alpha`; other colour forms are returned as they are. */
function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) return color;
  const n = parseInt(hex[1]!, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

interface LegendState {
  series: readonly ChartSeries[];
  values: readonly (number | null)[];
  time: number | null;
  timeText: string;
  formatValue: (y: number) => string;
  hovered: boolean;
}

/** Writes the legend's entries (built with the DOM: the CSP forbids inline style attributes). */
function writeLegend(element: HTMLElement | null, state: LegendState): void {
  if (!element) return;
  element.dataset.hovered = String(state.hovered);
  element.dataset.time = state.time === null ? '' : String(state.time);
  const entries: HTMLElement[] = [];
  const time = document.createElement('span');
  time.className = 'ts-chart__legend-time';
  time.textContent = state.timeText;
  entries.push(time);
  state.series.forEach((s, i) => {
    const value = state.values[i] ?? null;
    const item = document.createElement('span');
    item.className = 'ts-chart__legend-item';
    item.dataset.series = s.name;
    item.dataset.value = value === null ? '' : String(value);
    const swatch = document.createElement('span');
    swatch.className = s.dashed ? 'ts-chart__swatch is-dashed' : 'ts-chart__swatch';
    swatch.style.borderColor = resolveColor(s.color);
    const name = document.createElement('span');
    name.className = 'ts-chart__legend-name';
    name.textContent = s.name;
    const figure = document.createElement('span');
    figure.className = 'ts-chart__legend-value';
    figure.textContent = value === null ? '—' : state.formatValue(value);
    item.append(swatch, name, figure);
    entries.push(item);
  });
  element.replaceChildren(...entries);
}
