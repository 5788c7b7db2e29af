// The app's lightweight-charts setup for one candle series: the chart with its options, the candle
// series and the volume histogram on an overlay scale, and the candle-to-bar conversions. Kept apart
// from the React component so that the renderer benchmarks (tests/bench/renderer) measure this very code.
import {
  CandlestickSeries,
  HistogramSeries,
  createChart,
  createSeriesMarkers,
  type CandlestickData,
  type HistogramData,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { Candle } from '../../../shared/domain';
import { pricePrecision } from '../format';
import { chartTime } from './candle-book';
import { baseChartOptions } from './chart-options';
import { chartColors } from './theme';

export interface CandleChartParts {
  chart: IChartApi;
  candles: ISeriesApi<'Candlestick'>;
  volume: ISeriesApi<'Histogram'>;
  volumeColors: VolumeColors;
  /** The fills drawn on the candles (buy below the bar, sell above). */
  markers: ISeriesMarkersPluginApi<Time>;
}

/** Read once per chart: each theme read is a getComputedStyle, far too slow to do per bar. */
export interface VolumeColors {
  up: string;
  down: string;
}

export function createCandleChart(container: HTMLElement): CandleChartParts {
  const base = baseChartOptions(chartColors.background);
  const chart = createChart(container, { ...base, timeScale: { ...base.timeScale, rightOffset: 2 } });
  const candles = chart.addSeries(CandlestickSeries, {
    upColor: chartColors.up,
    downColor: chartColors.down,
    borderVisible: false,
    wickUpColor: chartColors.up,
    wickDownColor: chartColors.down,
  });
  candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.26 } });
  // Volume on its own overlay scale, in the bottom fifth of the pane.
  const volume = chart.addSeries(HistogramSeries, {
    priceFormat: { type: 'volume' },
    priceScaleId: '',
    lastValueVisible: false,
    priceLineVisible: false,
  });
  volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  const volumeColors = { up: chartColors.upVolume, down: chartColors.downVolume };
  const markers = createSeriesMarkers(candles, []);
  return { chart, candles, volume, volumeColors, markers };
}

/** Bars in view after the first load. */
export const VISIBLE_BARS = 120;

/** Replaces both series with `candles` (ascending), the price format following the last close. */
export function setHistory(parts: CandleChartParts, candles: readonly Candle[]): void {
  const precision = pricePrecision(candles[candles.length - 1]?.close ?? null);
  parts.candles.applyOptions({ priceFormat: { type: 'price', precision, minMove: 10 ** -precision } });
  parts.candles.setData(candles.map((c) => toCandleData(c)));
  parts.volume.setData(candles.map((c) => toVolumeData(c, parts.volumeColors)));
}

/** Shows the latest VISIBLE_BARS of `count` bars, with room for the forming one at the right. */
export function showLatestBars(parts: CandleChartParts, count: number): void {
  parts.chart.timeScale().setVisibleLogicalRange({ from: count - VISIBLE_BARS, to: count + 2 });
}

export function toCandleData(candle: Candle): CandlestickData;
export function toCandleData(candle: Candle | null): CandlestickData | undefined;
export function toCandleData(candle: Candle | null): CandlestickData | undefined {
  if (!candle) return undefined;
  return {
    time: chartTime(candle.openTime) as UTCTimestamp,
    open: candle.open,
    high: candle.high,
    low: candle.low,
    close: candle.close,
  };
}

export function toVolumeData(candle: Candle, colors: VolumeColors): HistogramData {
  return {
    time: chartTime(candle.openTime) as UTCTimestamp,
    value: candle.volume,
    color: candle.close >= candle.open ? colors.up : colors.down,
  };
}
