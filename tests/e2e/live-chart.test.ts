// Journey: a trader opens the headless host in a browser (demo mode: the embedded simulator) and
// watches the candles move. The chart must render from history, then update live from the stream;
// the status bar must name the feed and say 'live'; clicking another symbol charts that symbol.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailable, openJourney, type Journey } from './support/app-page';
import { chartState, waitForChart } from './support/chart-state';

const skipReason = chromiumUnavailable();

describe.skipIf(skipReason !== null)('live candle chart in the browser', () => {
  let app: Journey | undefined;
  let page: Page;

  beforeAll(async () => {
    app = await openJourney({ viewport: { width: 1280, height: 760 } });
    page = app.page;
  });

  afterAll(() => app?.close());

  it('renders the stored candles, then updates the chart live from the stream', async () => {
    const chart = page.locator('[data-testid="candle-chart"]');
    const before = await waitForChart(page, (state) => state.count > 10, 90_000);
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    expect(before.lastTime).toBeGreaterThan(0);
    expect(before.lastClose).toBeGreaterThan(0);

    // Live: further updates arrive and move the last candle (its close, or a new bar's open time).
    const after = await waitForChart(
      page,
      (state) =>
        state.liveUpdates >= before.liveUpdates + 3 &&
        (state.lastTime !== before.lastTime || state.lastClose !== before.lastClose),
      60_000,
    );
    expect(after.symbol).toBe(before.symbol);
    expect(after.lastTime).toBeGreaterThanOrEqual(before.lastTime);
    expect(after.count).toBeGreaterThanOrEqual(before.count);
  });

  it('shows the feed and the live stream in the status bar', async () => {
    const statusBar = page.locator('[data-testid="status-bar"]');
    await statusBar
      .locator('[data-testid="status-stream"]')
      .filter({ hasText: 'live' })
      .waitFor({ timeout: 60_000 });
    expect(await statusBar.locator('[data-testid="status-feed"]').innerText()).toContain('simulator');
    expect(await statusBar.locator('[data-testid="status-link"]').innerText()).toContain('connected');
    expect(await statusBar.locator('[data-testid="status-backend"]').innerText()).toMatch(
      /tensorflow|wasm|cpu|none/,
    );
    expect(await page.locator('[data-testid="connection-banner"]').count()).toBe(0);
  });

  it('charts the symbol the user clicks in the symbol list, and it goes live too', async () => {
    const { symbol: first } = await chartState(page);
    const other = page
      .locator('[data-testid="symbol-list"] button[data-symbol]')
      .filter({ hasNotText: first ?? '' })
      .first();
    const chosen = await other.getAttribute('data-symbol');
    expect(chosen).toBeTruthy();
    await other.click();
    await waitForChart(
      page,
      (state) => state.symbol === chosen && state.count > 10 && state.liveUpdates >= 2,
      60_000,
    );
    expect(await other.getAttribute('aria-pressed')).toBe('true');

    // Let the last bars settle on screen, then keep a picture for a human to look at.
    await page.mouse.move(900, 330);
    await page.waitForTimeout(1_000);
    await app!.screenshot('live-chart');
  });

  it('shows every symbol as a live candle chart in the grid layout, and a title focuses that symbol', async () => {
    const tiles = await page.locator('[data-testid="symbol-list"] button[data-symbol]').count();
    await page.getByRole('button', { name: 'All symbols' }).click();
    const grid = page.locator('[data-testid="chart-grid"] [data-testid="candle-chart"]');
    await expect.poll(() => grid.count(), { timeout: 10_000 }).toBe(tiles);
    const liveUpdates = () =>
      grid.evaluateAll((charts) =>
        charts.map((c) => ({
          count: Number(c.getAttribute('data-candle-count') ?? 0),
          live: Number(c.getAttribute('data-live-updates') ?? 0),
        })),
      );
    // Every chart has its history and moves with the stream, not only the first one.
    await expect
      .poll(async () => (await liveUpdates()).every((c) => c.count > 10 && c.live >= 2), {
        timeout: 60_000,
        interval: 250,
      })
      .toBe(true);
    await app!.screenshot('live-grid');

    const last = page.locator('.chart-grid__title').last();
    const focused = await last.innerText();
    await last.click();
    await expect.poll(() => grid.count()).toBe(0);
    await waitForChart(page, (state) => state.symbol === focused && state.count > 10, 30_000);
  });

  it('raised no page errors, console errors or CSP violations', () => {
    expect(app!.problems).toEqual([]);
  });

  it('says so when the host goes away, keeps the last candles on screen, and keeps retrying', async () => {
    await app!.host.stop();
    const banner = page.locator('[data-testid="connection-banner"]');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.innerText()).toMatch(/Lost the connection|Cannot reach/);
    await expect
      .poll(() => page.locator('[data-testid="status-link"]').innerText(), { timeout: 30_000, interval: 250 })
      .toMatch(/disconnected|connecting/);
    expect(await page.locator('[data-testid="status-stream"]').innerText()).toContain('unknown');
    expect((await chartState(page)).count).toBeGreaterThan(10);
    await app!.screenshot('live-chart-disconnected');
  });
});
