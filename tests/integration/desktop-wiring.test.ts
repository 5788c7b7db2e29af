// The desktop app's real wiring, end to end but for Electron's binary: the real main process
// (src/main/index.ts: window, app:// protocol, guards, IPC relay, the core in its worker thread) and the
// real preload (src/preload/index.ts), loaded under Node with a thin stand-in for the `electron` module
// (tests/support/electron-stand-in.ts). The page side is the renderer's own transport (ipc-link.ts) and
// the same createClient the WebSocket path uses; the frames crossing IPC are the WebSocket's frames.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Settings } from '../../src/shared/contract';
import { ENVELOPE_CHANNEL, OPEN_CHANNEL } from '../../src/shared/envelope-channel';
import { CoreError } from '../../src/shared/errors';
import { createClient, parseEnvelope, type CoreClient, type Envelope } from '../../src/shared/rpc';
import { importSource } from '../../src/shared/upload';
import { findEnvelopePort, ipcLink } from '../../src/renderer/src/api/ipc-link';
import { electronState } from '../support/electron-stand-in';

vi.mock('electron', () => import('../support/electron-stand-in'));

const dataDir = mkdtempSync(join(tmpdir(), 'crossdesk-desktop-'));
let client: CoreClient;

async function until<T>(
  what: string,
  read: () => T | undefined | null | false,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The envelopes that crossed IPC in one direction, decoded as the WebSocket host decodes its frames
 * (the malformed frames one test sends on purpose are left out).
 */
function envelopes(from: 'page' | 'main'): Envelope[] {
  return electronState.frames
    .filter((frame) => frame.from === from && frame.channel === ENVELOPE_CHANNEL)
    .map((frame) => {
      expect(typeof frame.args[0]).toBe('string'); // JSON text, like a WebSocket text frame
      return parseEnvelope(frame.args[0] as string);
    })
    .filter((envelope) => envelope.t !== 'malformed');
}

beforeAll(async () => {
  process.env['CROSSDESK_DATA_DIR'] = dataDir;
  await import('../../src/main/index');
  await until('the window', () => electronState.windows.length === 1);
  await import('../../src/preload/index');
  const port = findEnvelopePort(electronState.mainWorld);
  if (!port) throw new Error('the preload exposed no envelope port');
  client = createClient(ipcLink(port));
}, 120_000);

afterAll(async () => {
  const { app } = await import('electron');
  app.quit(); // before-quit closes the core thread, then quits again
  await electronState.quitted;
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the preload', () => {
  it('exposes an envelope port and nothing else, and opens one connection per page load', () => {
    expect(Object.keys(electronState.mainWorld)).toEqual(['crossdesk']);
    expect(Object.keys(electronState.mainWorld['crossdesk'] as object).sort()).toEqual(['onMessage', 'send']);
    expect(electronState.frames[0]).toMatchObject({ from: 'page', channel: OPEN_CHANNEL });
  });
});

describe('one RPC path over IPC', () => {
  it('answers a call', async () => {
    const settings = await client.call('settings.get', {});
    expect(settings.symbols.length).toBeGreaterThan(0);
    expect(typeof settings.feed).toBe('string');
    const request = envelopes('page').find((e) => e.t === 'req' && e.method === 'settings.get');
    const reply = envelopes('main').find((e) => e.t === 'res' && request?.t === 'req' && e.id === request.id);
    expect(reply).toBeDefined();
  });

  it('rejects with the error code the core gave', async () => {
    const bad = client.call('market.candles', { feed: 'sim', symbol: 'BTCUSDT' } as never);
    await expect(bad).rejects.toBeInstanceOf(CoreError);
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(client.call('no.such' as never, {} as never)).rejects.toMatchObject({
      code: 'UNKNOWN_METHOD',
    });
    expect(
      envelopes('main')
        .filter((e) => e.t === 'err')
        .map((e) => e.t === 'err' && e.error.code),
    ).toEqual(expect.arrayContaining(['INVALID_PARAMS', 'UNKNOWN_METHOD']));
  });

  it('answers a malformed frame with a protocol error, as the WebSocket host does', async () => {
    const port = findEnvelopePort(electronState.mainWorld)!;
    const replies: Envelope[] = [];
    const off = port.onMessage((frame) => replies.push(parseEnvelope(frame)));
    port.send('{"t":"req","id":77,"method":5}');
    port.send('not json');
    port.send('x'.repeat(5 * 1024 * 1024));
    await until('three replies', () => replies.filter((e) => e.t === 'err').length >= 3, 20_000);
    off();
    const errors = replies.filter((e) => e.t === 'err');
    expect(errors.map((e) => e.t === 'err' && [e.id, e.error.code])).toEqual([
      [77, 'INVALID_REQUEST'],
      [null, 'INVALID_REQUEST'],
      [null, 'INVALID_REQUEST'],
    ]);
  });

  it('delivers an event', { timeout: 20_000 }, async () => {
    const changed = new Promise<Settings>((resolve) => {
      const off = client.on('settings.changed', (settings) => {
        off();
        resolve(settings);
      });
    });
    await client.call('settings.set', { theme: 'light' });
    expect((await changed).theme).toBe('light');
    expect(envelopes('main').some((e) => e.t === 'evt' && e.topic === 'settings.changed')).toBe(true);
  });

  it(
    'cancels a call through its signal: a cancel envelope, and the core answers CANCELLED',
    { timeout: 60_000 },
    async () => {
      const controller = new AbortController();
      const started = new Promise<void>((resolve) => {
        const off = client.on('job.progress', (progress) => {
          if (progress.jobId !== 'desktop-cancel') return;
          off();
          resolve();
        });
      });
      // A CSV import large enough to run for a while: uploaded in chunks, then parsed as a job.
      const rows = ['open_time_ms,open,high,low,close,volume'];
      for (let i = 0; i < 300_000; i++) rows.push(`${Date.UTC(2020, 0, 1) + i * 60_000},100,101,99,100.5,12`);
      const source = await importSource(rows.join('\n'), (chunk) =>
        client.call('market.upload.chunk', chunk),
      );
      const job = client.call(
        'market.importCsv',
        { feed: 'csv', symbol: 'BTCUSDT', interval: '1', jobId: 'desktop-cancel', ...source },
        { signal: controller.signal },
      );
      await started;
      controller.abort();
      await expect(job).rejects.toMatchObject({ code: 'CANCELLED' });
      const request = envelopes('page').find((e) => e.t === 'req' && e.method === 'market.importCsv');
      expect(request).toBeDefined();
      expect(envelopes('page')).toContainEqual({ t: 'cancel', id: request!.t === 'req' ? request!.id : -1 });
    },
  );
});

describe('the hardened shell', () => {
  it('creates the window isolated, sandboxed, without Node and with web security, showing app://', () => {
    const window = electronState.windows[0]!;
    expect(window.options['webPreferences']).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(electronState.loaded).toEqual(['app://crossdesk/index.html']);
    expect(electronState.privilegedSchemes).toContainEqual(
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    );
  });

  it('answers app:// with the page, its CSP and the security headers, and nothing outside the renderer', async () => {
    const handler = electronState.protocolHandlers.get('app');
    expect(handler).toBeDefined();
    const page = await handler!(new Request('app://crossdesk/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = (page.headers.get('content-security-policy') ?? '').split(/;\s*/);
    expect(csp).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
      ]),
    );
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<div id="root">');
    // Another spelling of the same page is the same page, with the same headers.
    const spelled = await handler!(new Request('app://crossdesk/%69ndex.html'));
    expect(spelled.status).toBe(200);
    expect(spelled.headers.get('content-security-policy')).toBe(page.headers.get('content-security-policy'));
    for (const url of [
      'app://crossdesk/%2e%2e/%2e%2e/package.json',
      'app://crossdesk/..%2f..%2fpackage.json',
      'app://elsewhere/index.html',
    ]) {
      const refused = await handler!(new Request(url));
      expect(refused.status, url).toBe(404);
      expect(refused.headers.get('content-security-policy'), url).toContain("default-src 'none'");
    }
  });

  it('refuses navigation, frames, webviews, new windows and permissions, and opens only listed hosts', () => {
    const contents = electronState.windows[0]!.webContents;
    expect(contents.tryNavigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.tryNavigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.tryNavigate('will-navigate', 'app://crossdesk/index.html#backtests')).toBe(false);
    expect(contents.tryNavigate('will-frame-navigate', 'app://crossdesk/index.html', false)).toBe(true);
    expect(contents.tryNavigate('will-redirect', 'https://evil.example/')).toBe(true);
    const webview = { defaultPrevented: false, preventDefault: () => (webview.defaultPrevented = true) };
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.defaultPrevented).toBe(true);

    const open = contents.windowOpenHandler!;
    expect(open({ url: 'https://www.tradingview.com/' })).toEqual({ action: 'deny' });
    expect(open({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(open({ url: 'http://www.tradingview.com/' })).toEqual({ action: 'deny' });
    expect(open({ url: 'https://user@www.tradingview.com/' })).toEqual({ action: 'deny' });
    expect(electronState.openedExternally).toEqual(['https://www.tradingview.com/']);

    expect(electronState.permissionCheckHandler!(contents, 'clipboard-read', 'app://crossdesk', {})).toBe(
      false,
    );
    let granted: boolean | undefined;
    electronState.permissionRequestHandler!(contents, 'media', (answer: boolean) => (granted = answer), {});
    expect(granted).toBe(false);
  });

  it('ignores frames from any sender but its own window', async () => {
    const sent: unknown[] = [];
    const stranger = {
      send: (...args: unknown[]) => sent.push(args),
      isDestroyed: () => false,
      on() {},
      mainFrame: { url: 'https://evil.example/' },
    };
    const { emitFromSender } = await import('../support/electron-stand-in');
    emitFromSender(stranger, OPEN_CHANNEL);
    const request = JSON.stringify({ t: 'req', id: 999, method: 'settings.get', params: {} });
    emitFromSender(stranger, ENVELOPE_CHANNEL, request);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sent).toEqual([]);
    expect(envelopes('main').some((e) => 'id' in e && e.id === 999)).toBe(false);
  });
});
