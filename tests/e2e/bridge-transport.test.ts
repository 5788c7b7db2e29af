// The renderer does not know its transport: given a preload-shaped `window.crossdesk` bridge (as in the
// desktop app), it uses it instead of opening its own WebSocket, and the chart still goes live.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailable, openJourney, type Journey } from './support/app-page';
import { BRIDGE_SHIM } from './support/bridge-shim';
import { waitForChart } from './support/chart-state';

const skipReason = chromiumUnavailable();

interface BridgeRecord {
  calls: string[];
  /** Live `on` subscriptions on the bridge, per topic. */
  listeners: Record<string, number>;
  errors: unknown[];
}

describe.skipIf(skipReason !== null)('the renderer over the preload bridge', () => {
  let app: Journey | undefined;
  let page: Page;
  const sockets: string[] = [];

  beforeAll(async () => {
    app = await openJourney({
      viewport: { width: 1280, height: 760 },
      beforeNavigate: async (blank) => {
        blank.on('websocket', (socket) => sockets.push(socket.url()));
        await blank.addInitScript(BRIDGE_SHIM);
      },
    });
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
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
