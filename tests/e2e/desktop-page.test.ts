// The desktop app's page in real Chromium, through the real desktop path but for Electron's binary: the
// built renderer answered by the real app:// protocol handler (with the desktop CSP: no network at all),
// the real preload's envelope port, the real main-process relay (src/main/index.ts, under a stand-in
// for the `electron` module) and the core in its worker thread. Only the hop Electron itself would make
// (contextBridge between the page and the preload) is a binding here. The page must load under the CSP
// without a violation, open no socket, and stream the chart live.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CrossDeskEnvelopePort } from '../../src/preload/envelope-port';
import { rendererProtocolHandler } from '../../src/main/desktop/renderer-protocol';
import { electronState } from '../support/electron-stand-in';
import { ROOT } from './support/app-page';
import { chromiumUnavailable, launchChromium } from './support/chromium';
import { waitForChart } from './support/chart-state';
import { ensureRendererBuilt } from './support/renderer-build';

vi.mock('electron', () => import('../support/electron-stand-in'));

const skipReason = chromiumUnavailable();
/** Chromium will not route a custom scheme, so the page's origin is this one (no server: routed); the handler is app://'s. */
const ORIGIN = 'http://localhost'; // potentially trustworthy, like app:// (registered secure)

/** Stands in for contextBridge: `window.crossdesk` forwards to the preload's port in this process. */
const PAGE_PORT = `(() => {
  const handlers = new Set();
  window.__crossdeskDeliver = (frame) => { for (const h of handlers) h(frame); };
  window.crossdesk = Object.freeze({
    send: (frame) => window.__crossdeskSend(String(frame)),
    onMessage: (handler) => { handlers.add(handler); return () => handlers.delete(handler); },
  });
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
})();`;

describe.skipIf(skipReason !== null)('the desktop page over the real preload and relay', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crossdesk-desktop-page-'));
  let browser: Browser | undefined;
  let page: Page;
  const sockets: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt(ROOT);
    process.env['CROSSDESK_DATA_DIR'] = dataDir;
    await import('../../src/main/index');
    for (const deadline = Date.now() + 90_000; electronState.windows.length === 0;) {
      if (Date.now() > deadline) throw new Error('the main process made no window within 90 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await import('../../src/preload/index');
    const port = electronState.mainWorld['crossdesk'] as CrossDeskEnvelopePort;
    const handler = rendererProtocolHandler(join(ROOT, 'out/renderer'));

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.on('websocket', (socket) => sockets.push(socket.url()));
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    await page.route(`${ORIGIN}/**`, async (route) => {
      const url = new URL(route.request().url());
      const answer = await handler(new Request(`app://crossdesk${url.pathname}`));
      await route.fulfill({
        status: answer.status,
        headers: Object.fromEntries(answer.headers),
        body: Buffer.from(await answer.arrayBuffer()),
      });
    });
    await page.exposeFunction('__crossdeskSend', (frame: string) => port.send(frame));
    port.onMessage((frame) => {
      void page
        .evaluate(
          (f) => (globalThis as unknown as { __crossdeskDeliver(f: string): void }).__crossdeskDeliver(f),
          frame,
        )
        .catch(() => {});
    });
    await page.addInitScript(PAGE_PORT);
    await page.goto(`${ORIGIN}/index.html`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    const { app } = await import('electron');
    app.quit();
    await electronState.quitted;
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('loads under the desktop CSP, opens no socket and streams the chart through the envelope port', async () => {
    const before = await waitForChart(page, (state) => state.count > 10, 120_000);
    await waitForChart(page, (state) => state.liveUpdates >= before.liveUpdates + 2, 90_000);
    expect(await page.locator('[data-testid="status-link"]').innerText()).toContain('connected');
    expect(await page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations)).toEqual(
      [],
    );
    expect(sockets).toEqual([]);
    expect(problems).toEqual([]);
  });
});
