// Renderer heap after a long stream: the real headless host in demo mode (the embedded simulator, one
// bar per second for 5 symbols), the real app page in Debian's Chromium, left streaming for N minutes
// while the views are toured once a minute (Live → Models → Backtests → Data → Settings → Live) so
// that a leak on mount/unmount would pile up. The JS heap, DOM nodes and event listeners are sampled
// every 30 s through the DevTools protocol; a forced GC precedes the first and the last sample, so the
// growth between them is what the page holds on to, not garbage not yet collected.
// Goal: JS heap < 200 MB after 10 minutes of streaming.
// Run: npx tsx tests/bench/renderer-heap.bench.ts [minutes=10]
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { chromiumUnavailable, launchChromium } from '../e2e/support/chromium';
import { startHeadlessHost } from '../e2e/support/headless-host';
import { ensureRendererBuilt } from '../e2e/support/renderer-build';

const minutes = Number(process.argv[2] ?? 10);
const SAMPLE_MS = 30_000;
const TOUR = ['Models', 'Backtests', 'Data', 'Settings', 'Live'] as const;
/** Time spent on each view of the tour: long enough for its first calls to land and render. */
const TOUR_STEP_MS = 2_000;
const MB = 1024 * 1024;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
if (!Number.isFinite(minutes) || minutes <= 0) throw new Error(`minutes must be > 0, got ${process.argv[2]}`);
if (chromiumUnavailable()) process.exit(0);

interface Sample {
  atS: number;
  heapMB: number;
  totalMB: number;
  nodes: number;
  listeners: number;
  liveUpdates: number;
}

async function sample(cdp: CDPSession, page: Page, began: number): Promise<Sample> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  const liveUpdates = await page
    .locator('[data-testid="candle-chart"]')
    .first()
    .getAttribute('data-live-updates', { timeout: 1_000 })
    .catch(() => null);
  return {
    atS: Math.round((performance.now() - began) / 1000),
    heapMB: metric('JSHeapUsedSize') / MB,
    totalMB: metric('JSHeapTotalSize') / MB,
    nodes: metric('Nodes'),
    listeners: metric('JSEventListeners'),
    liveUpdates: Number(liveUpdates ?? NaN),
  };
}

function line(s: Sample, note = ''): string {
  return (
    `  ${String(s.atS).padStart(5)} s  heap ${s.heapMB.toFixed(1).padStart(6)} MB (total ${s.totalMB.toFixed(1)})` +
    `  nodes ${String(s.nodes).padStart(6)}  listeners ${String(s.listeners).padStart(5)}` +
    `  chart updates since mount ${Number.isNaN(s.liveUpdates) ? '-' : s.liveUpdates}  load ${loadavg()[0]!.toFixed(2)}${note}`
  );
}

/** Polls the chart's candle count (the page's CSP forbids the string predicates of waitForFunction). */
async function waitForCandles(page: Page, atLeast: number, timeoutMs: number): Promise<void> {
  const chart = page.locator('[data-testid="candle-chart"]').first();
  const deadline = performance.now() + timeoutMs;
  while (
    Number((await chart.getAttribute('data-candle-count', { timeout: timeoutMs }).catch(() => null)) ?? 0) <=
    atLeast
  ) {
    if (performance.now() > deadline)
      throw new Error(`the chart had no ${atLeast} candles within ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}

async function tourViews(page: Page): Promise<void> {
  for (const view of TOUR) {
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: view, exact: true })
      .click();
    await page.waitForTimeout(TOUR_STEP_MS);
  }
}

ensureRendererBuilt(root);
const host = await startHeadlessHost(root, ['--demo']);
const browser = await launchChromium();
const problems: string[] = [];
let exitCode = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  await page.goto(host.url);
  await waitForCandles(page, 10, 90_000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('HeapProfiler.collectGarbage');

  console.log(
    `renderer heap: real app page, headless host --demo, ${minutes} min of streaming, views toured once a minute`,
  );
  const began = performance.now();
  const first = await sample(cdp, page, began);
  console.log(line(first, '  (after GC)'));
  const samples = [first];
  const end = began + minutes * 60_000;
  let nextSample = began + SAMPLE_MS;
  let nextTour = began + 60_000;
  while (performance.now() < end) {
    const now = performance.now();
    if (now >= nextSample) {
      const s = await sample(cdp, page, began);
      samples.push(s);
      console.log(line(s));
      nextSample += SAMPLE_MS;
      continue;
    }
    if (now >= nextTour) {
      await tourViews(page);
      nextTour += 60_000;
      continue;
    }
    await page.waitForTimeout(Math.max(50, Math.min(nextSample, nextTour, end) - now));
  }
  await cdp.send('HeapProfiler.collectGarbage');
  const last = await sample(cdp, page, began);
  console.log(line(last, '  (after GC)'));
  const peak = Math.max(...samples.map((s) => s.heapMB), last.heapMB);
  console.log(
    `  final JS heap ${last.heapMB.toFixed(1)} MB after GC (goal < 200), peak ${peak.toFixed(1)} MB, ` +
      `growth ${(last.heapMB - first.heapMB).toFixed(1)} MB, DOM nodes ${first.nodes} → ${last.nodes}, ` +
      `listeners ${first.listeners} → ${last.listeners}`,
  );
  console.log(`  page errors: ${problems.length === 0 ? 'none' : problems.slice(0, 5).join(' | ')}`);
} catch (err) {
  console.error(err);
  console.error(host.output().split('\n').slice(-20).join('\n'));
  exitCode = 1;
} finally {
  await browser.close().catch(() => undefined);
  await host.stop();
}
process.exit(exitCode);
