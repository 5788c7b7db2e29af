// The plain-code halves of the charts: series put in the chart library's order, the legend's values at
// an x, candles merged into a display timeframe (and re-merged as a live bar forms), fill markers.
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/shared/domain';
import { BASELINE_COLORS } from '../../../src/renderer/src/components/backtests/series';
import { fillMarkers, fillsAt } from '../../../src/renderer/src/chart/fill-markers';
import { TimeframeBook, resample, timeframeChoices } from '../../../src/renderer/src/chart/resample';
import { plotPoints, valueAt } from '../../../src/renderer/src/chart/series-data';

const HOUR = 3_600_000;
/** The dark theme's accent, which the strategy is drawn in. */
const STRATEGY_HEX = '#4c9aff';
const T0 = Date.UTC(2024, 0, 1);

function bar(i: number, close: number, volume = 1): Candle {
  return {
    openTime: T0 + i * HOUR,
    open: close - 1,
    high: close + 2,
    low: close - 3,
    close,
    volume,
    turnover: volume * close,
    confirmed: true,
  };
}

describe('time-series data for the chart library', () => {
  it('keeps finite points, ascending, one per second, the later of two marks of a bar winning', () => {
    const points = plotPoints(
      [
        { x: T0 + 2000, y: 3 },
        { x: T0, y: 1 },
        { x: T0 + 1000, y: Number.NaN },
        { x: T0 + 2500, y: 4 },
      ],
      'time',
    );
    expect(points).toEqual([
      { time: T0 / 1000, value: 1 },
      { time: T0 / 1000 + 2, value: 4 },
    ]);
    expect(plotPoints([{ x: 0.5, y: 2 }], 'number')).toEqual([{ time: 0.5, value: 2 }]);
  });

  it('reads the value at an x, or the last one before it', () => {
    const points = [
      { time: 10, value: 1 },
      { time: 20, value: 2 },
      { time: 30, value: 3 },
    ];
    expect(valueAt(points, 20)).toBe(2);
    expect(valueAt(points, 25)).toBe(2);
    expect(valueAt(points, 5)).toBeNull();
    expect(valueAt(points, 99)).toBe(3);
  });
});

describe('display timeframes over stored bars', () => {
  it('offers the interval and its coarser whole multiples', () => {
    expect(timeframeChoices('60')).toEqual(['60', '120', '240', '360', '720', 'D']);
    expect(timeframeChoices('D')).toEqual(['D', 'W']);
    expect(timeframeChoices('M')).toEqual(['M']);
  });

  it('merges hourly bars into 4h bars on the UTC grid: first open, extremes, last close, summed volume', () => {
    const hours = [0, 1, 2, 3, 4, 5].map((i) => bar(i, 100 + i, i + 1));
    const fours = resample(hours, '240');
    expect(fours).toHaveLength(2);
    expect(fours[0]).toMatchObject({
      openTime: T0,
      open: 99,
      high: 105,
      low: 97,
      close: 103,
      volume: 1 + 2 + 3 + 4,
    });
    expect(fours[1]).toMatchObject({ openTime: T0 + 4 * HOUR, open: 103, close: 105, volume: 5 + 6 });
    expect(resample(hours, '60')).toEqual(hours);
  });

  it('merges a live bar that is revised while it forms without counting its volume twice', () => {
    const book = new TimeframeBook('240');
    book.load([bar(0, 100, 1), bar(1, 101, 1)]);
    expect(book.accept(bar(2, 102, 5)).volume).toBe(7);
    // The same forming bar again, with more volume: replaced, not added.
    const revised = book.accept(bar(2, 104, 6));
    expect(revised).toMatchObject({ openTime: T0, volume: 8, close: 104, high: 106 });
    // The next 4h bar opens afresh.
    expect(book.accept(bar(4, 110, 2))).toMatchObject({ openTime: T0 + 4 * HOUR, volume: 2 });
    expect(book.stored().map((c) => c.openTime)).toEqual([0, 1, 2, 4].map((i) => T0 + i * HOUR));
  });
});

describe('fills on the candle chart', () => {
  const fills = [
    { time: T0 + HOUR, symbol: 'BTCUSDT', side: 'buy' as const, quantity: 0.5, price: 100 },
    { time: T0 + 2 * HOUR, symbol: 'BTCUSDT', side: 'buy' as const, quantity: 0.25, price: 101 },
    { time: T0 + 2 * HOUR, symbol: 'BTCUSDT', side: 'sell' as const, quantity: -0.1, price: 102 },
  ];

  it('marks each bar and side once with the size traded there, buys below and sells above', () => {
    expect(fillMarkers(fills, '60')).toHaveLength(3);
    const fours = fillMarkers(fills, '240');
    expect(fours).toHaveLength(2);
    expect(fours[0]).toMatchObject({ time: T0, position: 'belowBar', shape: 'arrowUp', quantity: 0.75 });
    expect(fours[1]).toMatchObject({ time: T0, position: 'aboveBar', shape: 'arrowDown', quantity: 0.1 });
  });

  it('lists the fills of the bar under the crosshair', () => {
    expect(fillsAt(fills, T0 + 2 * HOUR, '60').map((f) => f.side)).toEqual(['buy', 'sell']);
    expect(fillsAt(fills, T0, '240')).toHaveLength(3);
    expect(fillsAt(fills, T0, '60')).toHaveLength(0);
  });
});

describe('baseline colours', () => {
  /** Red-mean weighted RGB distance: a cheap stand-in for how far apart two colours look. */
  function distance(a: string, b: string): number {
    const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const [r1, g1, b1] = rgb(a);
    const [r2, g2, b2] = rgb(b);
    const r = (r1! + r2!) / 2;
    const [dr, dg, db] = [r1! - r2!, g1! - g2!, b1! - b2!];
    return Math.sqrt((2 + r / 256) * dr * dr + 4 * dg * dg + (2 + (255 - r) / 256) * db * db);
  }

  it('draws no two baselines, nor a baseline and the strategy, in nearly the same colour', () => {
    const colors = [...Object.values(BASELINE_COLORS), STRATEGY_HEX];
    for (let i = 0; i < colors.length; i++)
      for (let j = i + 1; j < colors.length; j++)
        expect(distance(colors[i]!, colors[j]!), `${colors[i]} vs ${colors[j]}`).toBeGreaterThan(150);
  });
});
