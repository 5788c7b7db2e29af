// Reads a time-series chart's legend (data-testid="chart-legend" inside the chart's own region) and
// hovers the chart to interrogate it, as a trader moving the cursor over a curve would.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface LegendEntry {
  name: string;
  /** The raw value under the cursor; null when the series has none there. */
  value: number | null;
  /** What the legend shows for it, unit included. */
  text: string;
}

export interface LegendState {
  hovered: boolean;
  /** The x the legend shows (epoch ms on a time axis); null when there is nothing to show. */
  time: number | null;
  timeText: string;
  entries: LegendEntry[];
}

export async function legendState(page: Page, testId: string): Promise<LegendState> {
  const legend = page.locator(`[data-testid="${testId}"] [data-testid="chart-legend"]`);
  return legend.evaluate((element) => {
    const entries = [...element.querySelectorAll('[data-series]')].map((item) => {
      const raw = item.getAttribute('data-value');
      return {
        name: item.getAttribute('data-series') ?? '',
        value: raw ? Number(raw) : null,
        text: item.querySelector('.ts-chart__legend-value')?.textContent ?? '',
      };
    });
    const time = element.getAttribute('data-time');
    return {
      hovered: element.getAttribute('data-hovered') === 'true',
      time: time ? Number(time) : null,
      timeText: element.querySelector('.ts-chart__legend-time')?.textContent ?? '',
      entries,
    };
  });
}

/**
 * Moves the cursor to `fraction` of the chart's plot width (at mid height) and waits until the
 * legend says it shows a hovered x; returns what it shows then.
 */
export async function hoverChart(page: Page, testId: string, fraction: number): Promise<LegendState> {
  const plot = page.locator(`[data-testid="${testId}"] .ts-chart__plot`);
  await plot.scrollIntoViewIfNeeded();
  const box = await plot.boundingBox();
  if (!box) throw new Error(`chart ${testId} has no box on screen`);
  await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
  let state: LegendState | undefined;
  await expect
    .poll(async () => (state = await legendState(page, testId)).hovered, { timeout: 5_000, interval: 100 })
    .toBe(true);
  return state!;
}
