// What every lightweight-charts chart of the app shares: the theme's colours for text, grid, crosshair
// and borders, autosizing, UTC times to the minute, and no library logo (it injects a <style> element,
// which the CSP forbids: the candle chart credits TradingView in a link instead).
import { CrosshairMode, type DeepPartial, type TimeChartOptions } from 'lightweight-charts';
import { chartColors } from './theme';

export function baseChartOptions(
  background: string,
  crosshair: CrosshairMode = CrosshairMode.Normal,
): DeepPartial<TimeChartOptions> {
  return {
    autoSize: true,
    layout: {
      background: { color: background },
      textColor: chartColors.text,
      fontSize: 11,
      attributionLogo: false,
    },
    grid: { vertLines: { color: chartColors.grid }, horzLines: { color: chartColors.grid } },
    crosshair: {
      mode: crosshair,
      vertLine: { color: chartColors.crosshair },
      horzLine: { color: chartColors.crosshair },
    },
    rightPriceScale: { borderColor: chartColors.border },
    timeScale: { borderColor: chartColors.border, timeVisible: true, secondsVisible: false },
  };
}
