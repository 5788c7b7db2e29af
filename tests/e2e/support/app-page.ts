// The setup every browser journey shares: a freshly built renderer served by a headless host, one
// Chromium page on it that records what went wrong (page errors, console errors, which is where
// Chromium reports CSP violations), and screenshots kept under tests/e2e/screenshots/ for a human.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { startHeadlessHost, type HeadlessHostOptions, type RunningHost } from './headless-host';
import { connectToHost, type HostClient } from './core-client';
import { ensureRendererBuilt } from './renderer-build';

export { chromiumUnavailable } from './chromium';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root: the host runs from it and the renderer is built in it. */
export const ROOT = resolve(here, '../../..');
export const SCREENSHOTS_DIR = resolve(here, '../screenshots');

/**
 * Builds the renderer when its sources changed, then starts a host serving it (demo mode by default,
 * without the first-run demo model, which journeys of their own ask for by passing ['--demo']).
 */
export async function startAppHost(
  args: string[] = ['--demo', '--no-demo-model'],
  options: HeadlessHostOptions = {},
): Promise<RunningHost> {
  ensureRendererBuilt(ROOT);
  return startHeadlessHost(ROOT, args, options);
}

export interface AppPageOptions {
  viewport: { width: number; height: number };
  acceptDownloads?: boolean;
  /** Open the host's page at once (the default); false leaves the page blank for the test to navigate. */
  navigate?: boolean;
  /** Runs on the blank page before it navigates: init scripts, extra listeners. */
  beforeNavigate?: (page: Page) => Promise<void> | void;
}

export interface AppPage {
  browser: Browser;
  page: Page;
  /** 'page error: …' and 'console error: …' lines, in the order they happened. */
  problems: string[];
  /** Saves a picture of the page as screenshots/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the browser; the host is the caller's to stop. */
  close(): Promise<void>;
}

export async function openApp(host: RunningHost, options: AppPageOptions): Promise<AppPage> {
  const browser = await launchChromium();
  const close = () => browser.close().catch(() => undefined);
  const problems: string[] = [];
  let page: Page;
  try {
    page = await browser.newPage({
      viewport: options.viewport,
      acceptDownloads: options.acceptDownloads ?? false,
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    await options.beforeNavigate?.(page);
    if (options.navigate !== false) await page.goto(host.url);
  } catch (err) {
    // The caller never gets a handle to close, so the browser must not outlive the failed setup.
    await close();
    throw err;
  }
  return {
    browser,
    page,
    problems,
    screenshot: async (name) => {
      const path = join(SCREENSHOTS_DIR, `${name}.png`);
      mkdirSync(SCREENSHOTS_DIR, { recursive: true });
      await page.screenshot({ path });
      return path;
    },
    close,
  };
}

/** Only the uncaught exceptions of the page, for journeys where console errors are expected. */
export function pageErrors(problems: readonly string[]): string[] {
  return problems.filter((line) => line.startsWith('page error: '));
}

export interface Journey extends AppPage {
  host: RunningHost;
  /** Closes the browser, then stops the host. */
  close(): Promise<void>;
}

/** The usual journey: a fresh demo host and a page open on it; close() ends both. */
export async function openJourney(options: AppPageOptions & { hostArgs?: string[] }): Promise<Journey> {
  const host = await startAppHost(options.hostArgs);
  let app: AppPage;
  try {
    app = await openApp(host, options);
  } catch (err) {
    await host.stop();
    throw err;
  }
  return {
    ...app,
    host,
    close: async () => {
      await app.close();
      await host.stop();
    },
  };
}

export interface CoreJourney extends Journey {
  /** A contract client of the test's own on the host's WebSocket, to set up and check what the page shows. */
  core: HostClient;
}

/** A journey with the test's own core client beside the page; close() ends the client, the page and the host. */
export async function openJourneyWithCore(
  options: AppPageOptions & { hostArgs?: string[] },
): Promise<CoreJourney> {
  const journey = await openJourney(options);
  let core: HostClient;
  try {
    core = await connectToHost(journey.host.url);
  } catch (err) {
    await journey.close();
    throw err;
  }
  return {
    ...journey,
    core,
    close: async () => {
      core.close();
      await journey.close();
    },
  };
}
