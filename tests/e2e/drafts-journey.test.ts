// Journey: nothing typed or chosen is lost to a change of view or a reload (issue 11, item 7): the
// training and backtest forms keep their drafts, and the window comes back on the same view, symbol
// and chart layout. (The Settings draft and its discard warning are in data-settings.test.ts.)
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailable, openJourney, type Journey } from './support/app-page';
import { chartState, waitForChart } from './support/chart-state';

const skipReason = chromiumUnavailable();

async function openView(page: Page, name: string): Promise<void> {
  await page.locator('nav[aria-label="Views"] button', { hasText: name }).click();
}

describe.skipIf(skipReason !== null)('drafts and the window’s state across views and reloads', () => {
  let app: Journey | undefined;
  let page: Page;

  beforeAll(async () => {
    app = await openJourney({ viewport: { width: 1366, height: 768 } });
    page = app.page;
  });

  afterAll(() => app?.close());

  it('keeps the chosen symbol and the chart layout over a reload', async () => {
    await waitForChart(page, (state) => state.count > 10, 90_000);
    await page.locator('[data-testid="symbol-list"] button[data-symbol="ETHUSDT"]').click();
    await waitForChart(page, (state) => state.symbol === 'ETHUSDT' && state.count > 10, 30_000);
    await page.getByRole('button', { name: 'All symbols' }).click();
    await page.reload();
    await expect
      .poll(() => page.getByRole('button', { name: 'All symbols' }).getAttribute('aria-pressed'), {
        timeout: 30_000,
      })
      .toBe('true');
    await page.getByRole('button', { name: 'One chart' }).click();
    await waitForChart(page, (state) => state.count > 10, 30_000);
    expect((await chartState(page)).symbol).toBe('ETHUSDT');
  });

  it('keeps the training and backtest drafts over view changes and a reload, on the same view', async () => {
    await openView(page, 'Models');
    const trainName = page.locator('#train-name');
    await trainName.waitFor({ timeout: 30_000 });
    await trainName.fill('my draft model');
    await openView(page, 'Backtests');
    const runName = page.locator('[data-testid="backtest-form"] input[name="name"]');
    await runName.waitFor({ timeout: 30_000 });
    await runName.fill('my draft run');
    await page.locator('[data-testid="backtest-form"] input[name="trainBars"]').fill('321');

    await page.reload();
    await runName.waitFor({ timeout: 30_000 }); // back on Backtests
    expect(await runName.inputValue()).toBe('my draft run');
    expect(await page.locator('[data-testid="backtest-form"] input[name="trainBars"]').inputValue()).toBe('321');
    await openView(page, 'Models');
    await trainName.waitFor({ timeout: 30_000 });
    expect(await trainName.inputValue()).toBe('my draft model');
  });

  it('raised no page errors', () => {
    expect(app!.problems.filter((p) => p.startsWith('page error'))).toEqual([]);
  });
});
