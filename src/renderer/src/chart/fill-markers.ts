// Fills as markers on the candle chart: one arrow per display bar and side (a buy below the bar, a sell
// above it), unlabelled so that a busy book stays readable; the legend (the markers' tooltip) lists
// each fill of the bar under the crosshair with its size and price. Kept apart from lightweight-charts so that the grouping is plain code.
import { barOpenTime, type Interval } from '../../../shared/domain';

export interface MarkedFill {
  /** Open time of the bar the fill was executed at. */
  time: number;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
}

export interface FillMarker {
  /** Open time (ms) of the display bar. */
  time: number;
  position: 'belowBar' | 'aboveBar';
  shape: 'arrowUp' | 'arrowDown';
  color: string;
  /** Units bought or sold on the bar, for the marker's id; the legend shows each fill. */
  quantity: number;
}

/** Buys and sells in the chart's up and down colours (the theme's, read when drawn). */
export const FILL_COLORS = { buy: '#26a69a', sell: '#ef5350' } as const;

/** One marker per display bar of `frame` and side, ascending by time as the library wants them. */
export function fillMarkers(
  fills: readonly MarkedFill[],
  frame: Interval,
  colors: { buy: string; sell: string } = FILL_COLORS,
): FillMarker[] {
  const groups = new Map<string, { time: number; side: 'buy' | 'sell'; quantity: number }>();
  for (const f of fills) {
    const time = barOpenTime(f.time, frame);
    const key = `${time}|${f.side}`;
    const group = groups.get(key) ?? { time, side: f.side, quantity: 0 };
    group.quantity += Math.abs(f.quantity);
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => a.time - b.time || (a.side === 'buy' ? -1 : 1))
    .map((g) => ({
      time: g.time,
      position: g.side === 'buy' ? 'belowBar' : 'aboveBar',
      shape: g.side === 'buy' ? 'arrowUp' : 'arrowDown',
      color: colors[g.side],
      quantity: g.quantity,
    }));
}

/** The fills inside the display bar that opens at `barTime`, oldest first. */
export function fillsAt(fills: readonly MarkedFill[], barTime: number, frame: Interval): MarkedFill[] {
  return fills.filter((f) => barOpenTime(f.time, frame) === barTime).sort((a, b) => a.time - b.time);
}
