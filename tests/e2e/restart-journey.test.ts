// Journey: the host stops and starts again on the same data directory while a tab is open and paper
// trading runs (issue 11, items 2, 4 and 5).
// - Stopped: the tab does not pretend — the paper panel's state is unknown, not RUNNING, and the
//   status bar's latency and the positions are marked stale.
// - Started again on the same port: the same tab reconnects without a new URL (the token is kept in the
//   data directory), the paper account that was running resumes and says so.
// - The demo history is one path: the first bar of the new run opens at the last stored close, right
//   after the last stored bar, with no jump in price.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candle } from '../../src/shared/domain';
import { chromiumUnavailable, openApp, startAppHost, type AppPage } from './support/app-page';
import { connectToHost, type HostClient } from './support/core-client';
import type { RunningHost } from './support/headless-host';
import { storedCandles, waitForStoredBars, type SymbolsInfo } from './support/stored-bars';
import { rmSync } from 'node:fs';

const skipReason = chromiumUnavailable();

describe.skipIf(skipReason !== null)('a host restart under an open tab', () => {
  let first: RunningHost | undefined;
  let second: RunningHost | undefined;
  let app: AppPage | undefined;
  let core: HostClient | undefined;
  let page: Page;
  let info: SymbolsInfo;
  let lastBefore: Candle;

  beforeAll(async () => {
    first = await startAppHost(['--demo', '--no-demo-model'], { keepDataDir: true });
    app = await openApp(first, { viewport: { width: 1366, height: 768 } });
    page = app.page;
    core = await connectToHost(first.url);
  });

  afterAll(async () => {
    core?.close();
    await app?.close();
    await first?.stop();
    await second?.stop();
    if (first) rmSync(first.dataDir, { recursive: true, force: true });
  });

  it('paper trades a baseline from the Live view', async () => {
    info = await waitForStoredBars(core!, 900);
    await page.locator('[data-testid="paper-strategy"]').selectOption('equal-weight-rebalanced');
    await page.locator('[data-testid="paper-start"]').click();
    await expect
      .poll(() => page.locator('[data-testid="paper-state"]').textContent(), { timeout: 60_000 })
      .toBe('running');
    await expect
      .poll(async () => (await core!.client.call('paper.equity', {})).length, { timeout: 30_000 })
      .toBeGreaterThan(2);
    expect(await page.locator('[data-testid="positions"]').getAttribute('data-stale')).toBe('false');
    // Every tile has had a live candle within its window.
    await expect
      .poll(() => page.locator('.symbol-tile[data-stale="false"]').count(), { timeout: 20_000 })
      .toBe(await page.locator('.symbol-tile').count());
  });

  it('shows the host stopped: state unknown, latency and positions stale, no active Stop', async () => {
    core!.close();
    core = undefined;
    await first!.stop();
    const last = await lastStoredBar(first!.dataDir);
    lastBefore = last;
    await expect
      .poll(() => page.locator('[data-testid="paper-state"]').textContent(), { timeout: 20_000 })
      .toBe('unknown');
    expect(await page.locator('[data-testid="paper-stop"]').count()).toBe(0);
    expect(await page.locator('[data-testid="status-latency"]').getAttribute('data-stale')).toBe('true');
    expect(await page.locator('[data-testid="positions"]').getAttribute('data-stale')).toBe('true');
    expect(await page.locator('[data-testid="positions-age"]').innerText()).toMatch(/not live/);
    const tiles = await page.locator('.symbol-tile').count();
    expect(tiles).toBeGreaterThan(0);
    expect(await page.locator('.symbol-tile[data-stale="true"]').count()).toBe(tiles);
    expect(await page.locator('.symbol-tile').first().getAttribute('title')).toMatch(/not live/);
    expect(await page.locator('[data-testid="chart-stale"]').innerText()).toBe('not live: core unreachable');
    await app!.screenshot('restart-host-stopped');
  });

  it('reconnects the same tab to the restarted host, which resumes the account and says so', async () => {
    const port = new URL(first!.url).port;
    second = await startAppHost(['--demo', '--no-demo-model', '--port', port], { dataDir: first!.dataDir });
    expect(second.url).toBe(first!.url); // same port, same token: the tab's URL still opens it
    await expect
      .poll(() => page.locator('[data-testid="status-link"]').innerText(), { timeout: 30_000 })
      .toContain('connected');
    await expect
      .poll(() => page.locator('[data-testid="paper-state"]').textContent(), { timeout: 60_000 })
      .toBe('running');
    expect(await page.locator('[data-testid="paper-notice"]').innerText()).toMatch(
      /resumed after the app restarted/i,
    );
    expect(second.output()).toMatch(/Paper account 'default' resumed/);
    await expect
      .poll(() => page.locator('[data-testid="status-latency"]').getAttribute('data-stale'), {
        timeout: 20_000,
      })
      .toBe('false');
    await expect.poll(() => page.locator('[data-testid="chart-stale"]').count(), { timeout: 20_000 }).toBe(0);
    await app!.screenshot('restart-resumed');
  });

  it('continues the demo history from the last stored bar: no seam', async () => {
    core = await connectToHost(second!.url);
    const symbols = info.configured;
    await expect
      .poll(
        async () =>
          (await storedCandles(core!, info.feed, symbols[0]!, info.interval)).filter(
            (c) => c.openTime > lastBefore.openTime,
          ).length,
        { timeout: 30_000 },
      )
      .toBeGreaterThan(3);
    const barMs = (await storedCandles(core!, info.feed, symbols[0]!, info.interval))
      .slice(-2)
      .reduce((a, c) => c.openTime - a, 0);
    for (const symbol of symbols) {
      const candles = await storedCandles(core!, info.feed, symbol, info.interval);
      const i = candles.findIndex((c) => c.openTime > lastBefore.openTime);
      const before = candles[i - 1]!;
      const after = candles[i]!;
      // The next bar of the new run follows the last stored one in time and opens at its close.
      expect(after.openTime - before.openTime, symbol).toBe(barMs);
      expect(after.open, symbol).toBeCloseTo(before.close, 6);
      // And nowhere in the whole stored series does the price step more than a synthetic bar can.
      let worst = 0;
      for (let k = 1; k < candles.length; k++)
        worst = Math.max(worst, Math.abs(Math.log(candles[k]!.open / candles[k - 1]!.close)));
      expect(worst, `${symbol}: largest close-to-open step`).toBeLessThan(0.005);
    }
  });

  it('raised no page errors', () => {
    expect(app!.problems.filter((p) => p.startsWith('page error'))).toEqual([]);
  });

  /** The newest stored bar of the first symbol, read from the stopped host's database file. */
  async function lastStoredBar(dataDir: string): Promise<Candle> {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(`${dataDir}/crossdesk.db`, { readonly: true });
    try {
      const row = db
        .prepare(
          'SELECT open_time AS openTime, open, high, low, close FROM candles WHERE feed = ? AND symbol = ? AND interval = ? AND confirmed = 1 ORDER BY open_time DESC LIMIT 1',
        )
        .get(info.feed, info.configured[0], info.interval) as Candle;
      return row;
    } finally {
      db.close();
    }
  }
});
