// The renderer does not know its transport: given a preload-shaped `window.crossdesk` bridge (as in the
// desktop app), it uses it instead of opening its own WebSocket, and the chart still goes live.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_SHIM } from './support/bridge-shim';
import { waitForChart } from './support/chart-state';
import { chromiumUnavailable, launchChromium } from './support/chromium';
import { startHeadlessHost, type RunningHost } from './support/headless-host';
import { ensureRendererBuilt } from './support/renderer-build';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const skipReason = chromiumUnavailable();

interface BridgeRecord {
  calls: string[];
  /** Live `on` subscriptions on the bridge, per topic. */
  listeners: Record<string, number>;
  errors: unknown[];
}

describe.skipIf(skipReason !== null)('the renderer over the preload bridge', () => {
  let host: RunningHost | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const sockets: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt(root);
    host = await startHeadlessHost(root, ['--demo']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.addInitScript(BRIDGE_SHIM);
    await page.goto(host.url);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await host?.stop();
  });

  it('loads and streams the chart through the bridge, opening no socket of its own', async () => {
    const before = await waitForChart(page, (state) => state.count > 10, 90_000);
    await waitForChart(page, (state) => state.liveUpdates >= before.liveUpdates + 3, 60_000);
    const record = await page.evaluate(() => (globalThis as unknown as { __bridge: BridgeRecord }).__bridge);
    expect(record.calls).toEqual(
      expect.arrayContaining(['market.status', 'market.symbols', 'market.candles']),
    );
    expect(record.errors).toEqual([]);
    // The chart and the symbol list both follow market.candle; the client fans out one bridge listener.
    expect(record.listeners['market.candle']).toBe(1);
    expect(record.listeners['market.status']).toBe(1);
    expect(sockets).toHaveLength(1); // the shim's own socket: the page opened none
    expect(await page.locator('[data-testid="status-link"]').innerText()).toContain('connected');
  });
});
