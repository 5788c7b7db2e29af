// Journey: the exchange cannot be reached. The page must neither hang nor crash: it shows the offline
// state with the core's reason, the chart says it is waiting for candles, the core keeps retrying, and
// switching back to a reachable feed brings the chart live again.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailable, openJourneyWithCore, pageErrors, type CoreJourney } from './support/app-page';
import { chartState, waitForChart } from './support/chart-state';
import type { HostClient } from './support/core-client';

const skipReason = chromiumUnavailable();

/** Nothing listens on the discard port of loopback: every connection is refused at once. */
const UNREACHABLE = { restUrl: 'http://127.0.0.1:9', wsUrl: 'ws://127.0.0.1:9/v5/public/linear' };

describe.skipIf(skipReason !== null)('an unreachable feed in the browser', () => {
  let app: CoreJourney | undefined;
  let core: HostClient | undefined;
  let page: Page;

  beforeAll(async () => {
    app = await openJourneyWithCore({ viewport: { width: 1280, height: 760 } });
    core = app.core;
    page = app.page;
  });

  afterAll(() => app?.close());

  it('shows the offline state with the reason and a chart waiting for candles', async () => {
    await waitForChart(page, (state) => state.count > 10, 90_000);
    await core!.client.call('settings.set', { feed: 'unreachable', ...UNREACHABLE });

    const banner = page.locator('[data-testid="connection-banner"]');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.innerText()).toMatch(
      /^(Offline|Reconnecting): .*(127\.0\.0\.1:9|unreachable).*retry/i,
    );
    await expect
      .poll(() => page.locator('[data-testid="status-stream"]').innerText(), {
        timeout: 30_000,
        interval: 250,
      })
      .toMatch(/offline|reconnecting|connecting/);
    expect(await page.locator('[data-testid="status-feed"]').innerText()).toContain('unreachable');
    // The page follows the new feed: its chart has no candles and says so.
    await expect.poll(async () => (await chartState(page)).count, { timeout: 30_000, interval: 250 }).toBe(0);
    await page.getByText('waiting for the stream').waitFor({ timeout: 30_000 });
    // Still answering: the page's link to the core is up while the feed is down.
    expect(await page.locator('[data-testid="status-link"]').innerText()).toContain('connected');
    await app!.screenshot('offline-feed');
  });

  it('goes live again when a reachable feed is chosen', async () => {
    await core!.client.call('settings.set', { feed: 'simulator', restUrl: null, wsUrl: null });
    await page
      .locator('[data-testid="status-stream"]')
      .filter({ hasText: 'live' })
      .waitFor({ timeout: 60_000 });
    const loaded = await waitForChart(page, (state) => state.count > 10, 60_000);
    await waitForChart(page, (state) => state.liveUpdates >= loaded.liveUpdates + 2, 60_000);
    expect(await page.locator('[data-testid="connection-banner"]').count()).toBe(0);
    // Console errors are not counted here: only uncaught exceptions would mean the page crashed.
    expect(pageErrors(app!.problems)).toEqual([]);
  });
});
