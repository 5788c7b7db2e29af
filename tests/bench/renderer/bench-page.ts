// Node side of the bench page: builds index.html + page.ts with Vite into a temp dir, serves it from a
// small static server on 127.0.0.1, and opens it in Debian's Chromium the way the e2e tests do.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { launchChromium } from '../../e2e/support/chromium';
import type { RendererBench } from './protocol';

const here = dirname(fileURLToPath(import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

export interface BenchPage {
  page: Page;
  /** Page errors and console errors seen so far. */
  problems: string[];
  /** Calls a RendererBench method in the page with one argument (structured-cloned). */
  call<K extends keyof RendererBench>(
    method: K,
    ...arg: Parameters<RendererBench[K]>
  ): Promise<Awaited<ReturnType<RendererBench[K]>>>;
  close(): Promise<void>;
}

export async function openBenchPage(viewport = { width: 1280, height: 760 }): Promise<BenchPage> {
  const outDir = mkdtempSync(join(tmpdir(), 'crossdesk-bench-page-'));
  let server: Server | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(outDir, { recursive: true, force: true });
  };
  try {
    await build({
      configFile: false,
      root: here,
      base: './',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, reportCompressedSize: false },
    });
    server = await serveStatic(outDir);
    const { port } = server.address() as AddressInfo;
    browser = await launchChromium();
    const page = await browser.newPage({ viewport });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'rendererBench' in globalThis, undefined, { timeout: 30_000 });
    const call: BenchPage['call'] = (method, ...arg) =>
      page.evaluate(
        ([name, value]) =>
          (globalThis as unknown as { rendererBench: Record<string, (v: unknown) => unknown> }).rendererBench[
            name
          ]!(value),
        [method, arg[0]] as const,
      ) as never;
    return { page, problems, call, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function serveStatic(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(dir, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(dir + sep) || !isFile(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
