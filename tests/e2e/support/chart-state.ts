// Reads the candle chart's test hooks (data-* attributes on [data-testid="candle-chart"]), so tests can
// see the chart move without comparing pixels.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface ChartState {
  symbol: string | null;
  count: number;
  lastTime: number;
  lastClose: number;
  liveUpdates: number;
}

/** The chart's test hooks (data-* attributes), read without comparing pixels. */
export async function chartState(page: Page): Promise<ChartState> {
  const chart = page.locator('[data-testid="candle-chart"]');
  const [symbol, count, lastTime, lastClose, liveUpdates] = await Promise.all(
    ['data-symbol', 'data-candle-count', 'data-last-candle-time', 'data-last-close', 'data-live-updates'].map(
      (name) => chart.getAttribute(name),
    ),
  );
  return {
    symbol: symbol ?? null,
    count: Number(count || 0),
    lastTime: Number(lastTime || 0),
    lastClose: Number(lastClose || 0),
    liveUpdates: Number(liveUpdates || 0),
  };
}

/** Polls the chart until `ready` holds; returns the state that satisfied it. */
export async function waitForChart(
  page: Page,
  ready: (state: ChartState) => boolean,
  timeout: number,
): Promise<ChartState> {
  let last: ChartState | undefined;
  await expect
    .poll(async () => ready((last = await chartState(page))), { timeout, interval: 250 })
    .toBe(true);
  return last!;
}
